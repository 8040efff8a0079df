/**
 * Signature help: inside a built-in call, its parameters with the one being written active; inside
 * a tensor's or pattern's brackets, its axes and their sizes.
 */
import { MarkupKind, type ParameterInformation, type SignatureHelp } from 'vscode-languageserver';
import { builtinFor, signatureLabel } from '../builtins';
import { cursorContext } from '../cursor';
import type { DocumentState } from '../documents';
import { symbolNamed } from '../lookup';
import type { Feature, ServerContext } from '../server';
import { clampPosition } from '../text';

export const signatureHelpFeature: Feature = {
    name: 'signature help',
    capabilities: () => ({
        signatureHelpProvider: { triggerCharacters: ['(', '[', ','], retriggerCharacters: ['='] },
    }),
    register(context: ServerContext): void {
        context.connection.onSignatureHelp(
            context.guard('signature help', (params): SignatureHelp | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return signatureAt(state, clampPosition(state.lines, params.position));
            }),
        );
    },
};

export function signatureAt(
    state: DocumentState,
    position: { line: number; character: number },
): SignatureHelp | null {
    const cursor = cursorContext(state, position);
    if (cursor.inert) return null;
    for (let depth = cursor.open.length - 1; depth >= 0; depth--) {
        const open = cursor.open[depth]!;
        if (open.before === undefined) continue;
        if (open.bracket === '(') {
            const builtin = builtinFor(
                open.before,
                cursor.statement === 'pattern' ? 'pattern' : 'equation',
            );
            if (builtin === undefined) continue;
            const label = signatureLabel(builtin);
            const parameters: ParameterInformation[] = [];
            let offset = builtin.name.length + 1;
            for (const parameter of builtin.parameters) {
                const text =
                    parameter.default === undefined
                        ? parameter.keyword
                            ? `${parameter.name}=…`
                            : parameter.name
                        : `${parameter.name}=${parameter.default}`;
                parameters.push({
                    label: [offset, offset + text.length],
                    documentation: parameter.doc,
                });
                offset += text.length + 2;
            }
            let active = builtin.parameters.findIndex((p) => p.name === open.keyword);
            if (active < 0) {
                const positional = builtin.parameters.filter((p) => !p.keyword);
                active =
                    open.argument < positional.length
                        ? builtin.parameters.indexOf(positional[open.argument]!)
                        : builtin.parameters.findIndex(
                              (p) => p.keyword && !open.keywords.includes(p.name),
                          );
            }
            return {
                signatures: [
                    {
                        label,
                        documentation: { kind: MarkupKind.Markdown, value: builtin.doc },
                        parameters,
                    },
                ],
                activeSignature: 0,
                activeParameter: Math.max(0, active),
            };
        }
        const symbol = symbolNamed(state.analysis, open.before);
        if (symbol === undefined || symbol.kind === 'size' || symbol.shape === undefined) continue;
        const axisNames =
            symbol.kind === 'pattern'
                ? ['input', 'output', 'kernel']
                : symbol.shape.map((_, i) => `axis ${i}`);
        const parts = symbol.shape.map((size, i) => `${axisNames[i] ?? `axis ${i}`}: ${size}`);
        const parameters: ParameterInformation[] = [];
        let offset = symbol.name.length + 1;
        for (const part of parts) {
            parameters.push({ label: [offset, offset + part.length] });
            offset += part.length + 2;
        }
        return {
            signatures: [
                {
                    label: `${symbol.name}[${parts.join(', ')}]`,
                    documentation: `${symbol.kind} ${symbol.name}: one index per axis`,
                    parameters,
                },
            ],
            activeSignature: 0,
            activeParameter: Math.min(open.argument, Math.max(0, parts.length - 1)),
        };
    }
    return null;
}
