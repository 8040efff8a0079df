/** Go to definition, references, document highlight and rename, all from the analysis's name table. */
import {
    DocumentHighlightKind,
    ErrorCodes,
    ResponseError,
    type Location,
    type TextEdit,
} from 'vscode-languageserver';
import { BUILTIN_NAMES, ELEMENT_TYPES, KEYWORD_DOCS } from '../builtins';
import { occurrencesOf, type Target, targetAt } from '../lookup';
import type { Feature, ServerContext } from '../server';
import { clampPosition, IDENTIFIER } from '../text';

export const navigationFeature: Feature = {
    name: 'navigation',
    capabilities: () => ({
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
    }),
    register(context: ServerContext): void {
        const { connection } = context;
        const targetFor = (params: {
            textDocument: { uri: string };
            position: { line: number; character: number };
        }): Target | undefined => {
            const state = context.documents.get(params.textDocument.uri);
            if (state === undefined) return undefined;
            return targetAt(state.analysis, clampPosition(state.lines, params.position));
        };

        connection.onDefinition(
            context.guard('definition', (params): Location | null => {
                const target = targetFor(params);
                if (target === undefined) return null;
                const range = occurrencesOf(target)[0]!;
                return { uri: params.textDocument.uri, range };
            }),
        );
        connection.onReferences(
            context.guard('references', (params): Location[] | null => {
                const target = targetFor(params);
                if (target === undefined) return null;
                const ranges = occurrencesOf(target);
                const kept = params.context.includeDeclaration ? ranges : ranges.slice(1);
                return kept.map((range) => ({ uri: params.textDocument.uri, range }));
            }),
        );
        connection.onDocumentHighlight(
            context.guard('highlight', (params) => {
                const target = targetFor(params);
                if (target === undefined) return null;
                return occurrencesOf(target).map((range, i) => ({
                    range,
                    kind: i === 0 ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
                }));
            }),
        );
        connection.onPrepareRename(
            context.guard('prepare rename', (params) => {
                const target = targetFor(params);
                if (target === undefined) {
                    return new ResponseError(ErrorCodes.InvalidRequest, 'Nothing to rename here.');
                }
                const name = target.kind === 'index' ? target.index.name : target.symbol.name;
                return { range: target.range, placeholder: name };
            }),
        );
        connection.onRenameRequest(
            context.guard('rename', (params) => {
                const state = context.documents.get(params.textDocument.uri);
                const target = targetFor(params);
                if (state === undefined || target === undefined) return null;
                const problem = renameProblem(params.newName, target, state.analysis);
                if (problem !== undefined) {
                    return new ResponseError(ErrorCodes.InvalidParams, problem);
                }
                const edits: TextEdit[] = occurrencesOf(target).map((range) => ({
                    range,
                    newText: params.newName,
                }));
                return { changes: { [params.textDocument.uri]: edits } };
            }),
        );
    },
};

function renameProblem(
    name: string,
    target: Target,
    analysis: { symbols: { name: string }[] },
): string | undefined {
    if (!IDENTIFIER.test(name)) return `'${name}' is not a name: use letters, digits and _.`;
    if (KEYWORD_DOCS[name] !== undefined || BUILTIN_NAMES.has(name) || name in ELEMENT_TYPES) {
        return `'${name}' is reserved.`;
    }
    if (target.kind === 'index') {
        if (target.equation.indices.some((index) => index.name === name)) {
            return `'${name}' is already an index of this statement.`;
        }
        return undefined;
    }
    if (name !== target.symbol.name && analysis.symbols.some((symbol) => symbol.name === name)) {
        return `'${name}' is already defined in this file.`;
    }
    return undefined;
}
