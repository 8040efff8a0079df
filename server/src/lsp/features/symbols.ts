/** Document symbols (the outline) and workspace symbols over the open documents. */
import {
    type DocumentSymbol,
    SymbolKind as LspSymbolKind,
    type WorkspaceSymbol,
} from 'vscode-languageserver';
import type { SymbolInfo, SymbolKind } from '../../language/model';
import type { Range } from '../../network/ir';
import { shapeText } from '../format';
import type { Feature, ServerContext } from '../server';

const KINDS: Record<SymbolKind, LspSymbolKind> = {
    size: LspSymbolKind.Constant,
    tensor: LspSymbolKind.Variable,
    pattern: LspSymbolKind.Struct,
    equation: LspSymbolKind.Function,
};

const key = (range: Range): string => `${range.start.line}:${range.start.character}`;

function detail(symbol: SymbolInfo): string {
    if (symbol.kind === 'size') return `= ${symbol.value ?? '?'}`;
    return symbol.shape === undefined ? symbol.kind : `${symbol.kind} ${shapeText(symbol.shape)}`;
}

export const symbolsFeature: Feature = {
    name: 'symbols',
    capabilities: () => ({ documentSymbolProvider: true, workspaceSymbolProvider: true }),
    register(context: ServerContext): void {
        context.connection.onDocumentSymbol(
            context.guard('document symbols', (params): DocumentSymbol[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                // Sizes defined together get the range of their own definition, so that the
                // outline keeps them in source order.
                const definitions = new Map<string, Range>();
                for (const statement of state.parsed.statements) {
                    if (statement.kind !== 'size') continue;
                    for (const definition of statement.definitions) {
                        definitions.set(key(definition.name.range), definition.range);
                    }
                }
                return state.analysis.symbols.map((symbol) => ({
                    name: symbol.name,
                    kind: KINDS[symbol.kind],
                    detail: detail(symbol),
                    range: definitions.get(key(symbol.nameRange)) ?? symbol.statementRange,
                    selectionRange: symbol.nameRange,
                }));
            }),
        );
        // FIXME: searches the open documents only; files on disk that are not open are not indexed.
        context.connection.onWorkspaceSymbol(
            context.guard('workspace symbols', (params): WorkspaceSymbol[] | null => {
                const query = params.query.toLowerCase();
                const found: WorkspaceSymbol[] = [];
                for (const state of context.documents.all()) {
                    for (const symbol of state.analysis.symbols) {
                        if (!fuzzy(query, symbol.name.toLowerCase())) continue;
                        found.push({
                            name: symbol.name,
                            kind: KINDS[symbol.kind],
                            containerName: state.uri.slice(state.uri.lastIndexOf('/') + 1),
                            location: { uri: state.uri, range: symbol.nameRange },
                        });
                    }
                }
                return found;
            }),
        );
    },
};

/** The query's characters appear in the name in order. */
function fuzzy(query: string, name: string): boolean {
    let at = 0;
    for (const c of query) {
        at = name.indexOf(c, at);
        if (at < 0) return false;
        at++;
    }
    return true;
}
