/** Conversions from the language model to LSP protocol types. */
import {
    DiagnosticSeverity,
    type Diagnostic as LspDiagnostic,
    type DiagnosticRelatedInformation,
} from 'vscode-languageserver';
import type { Diagnostic, Severity } from '../language/model';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
    error: DiagnosticSeverity.Error,
    warning: DiagnosticSeverity.Warning,
    information: DiagnosticSeverity.Information,
    hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(uri: string, diagnostic: Diagnostic): LspDiagnostic {
    const related: DiagnosticRelatedInformation[] | undefined = diagnostic.related?.map((info) => ({
        location: { uri, range: info.range },
        message: info.message,
    }));
    return {
        range: diagnostic.range,
        severity: SEVERITIES[diagnostic.severity],
        code: diagnostic.code,
        source: 'tnet',
        message: diagnostic.message,
        ...(related !== undefined && related.length > 0 ? { relatedInformation: related } : {}),
        ...(diagnostic.data !== undefined ? { data: diagnostic.data } : {}),
    };
}
