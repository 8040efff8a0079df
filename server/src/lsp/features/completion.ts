/**
 * Completion: keywords at a statement's start, names in scope, built-ins with their parameters and
 * docs, keyword arguments inside a call, the statement's indices inside brackets, element types.
 */
import {
    type CompletionItem,
    CompletionItemKind,
    type CompletionList,
    InsertTextFormat,
    MarkupKind,
} from 'vscode-languageserver';
import type { Analysis, SymbolInfo, SymbolKind } from '../../language/model';
import { BUILTINS, builtinFor, ELEMENT_TYPES, KEYWORD_DOCS, signatureLabel } from '../builtins';
import { type CursorContext, cursorContext } from '../cursor';
import type { DocumentState } from '../documents';
import { shapeText } from '../format';
import { equationAtLine } from '../lookup';
import type { Feature, ServerContext } from '../server';
import { clampPosition } from '../text';

const SYMBOL_KINDS: Record<SymbolKind, CompletionItemKind> = {
    size: CompletionItemKind.Constant,
    tensor: CompletionItemKind.Variable,
    pattern: CompletionItemKind.Struct,
    equation: CompletionItemKind.Variable,
};

const TRIGGER_PARAMETER_HINTS = {
    title: 'parameter hints',
    command: 'editor.action.triggerParameterHints',
};

export const completionFeature: Feature = {
    name: 'completion',
    capabilities: () => ({
        completionProvider: {
            triggerCharacters: ['[', '(', ',', ':', '='],
            resolveProvider: false,
        },
    }),
    register(context: ServerContext): void {
        context.connection.onCompletion(
            context.guard('completion', (params): CompletionList | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                const position = clampPosition(state.lines, params.position);
                return completionsAt(state, position);
            }),
        );
    },
};

/** More items than an editor list shows usefully; beyond it the client asks again as the user types. */
const MAX_ITEMS = 200;

/** Names sort after keywords and parameters, nearest definition first. */
const NAME_SORT = '5';

export function completionsAt(
    state: DocumentState,
    position: { line: number; character: number },
): CompletionList {
    const cursor = cursorContext(state, position);
    const names = { incomplete: false };
    const items = cursor.inert ? [] : itemsAt(state, cursor, names);
    return { isIncomplete: names.incomplete, items };
}

function itemsAt(
    state: DocumentState,
    cursor: CursorContext,
    names: { incomplete: boolean },
): CompletionItem[] {
    const { sizes, tensors } = namesBefore(state.analysis, cursor.startLine);
    const top = cursor.open[cursor.open.length - 1];

    switch (cursor.statement) {
        case 'start':
            return keywordItems();
        case 'size':
            return cursor.previous?.text === 'size' || cursor.previous?.text === ','
                ? []
                : symbolItems(sizes, cursor, names);
        case 'tensor':
            if (cursor.previous?.text === ':') return elementTypeItems();
            return top?.bracket === '[' ? symbolItems(sizes, cursor, names) : [];
        case 'pattern':
            if (top?.bracket === '(') return callItems(cursor, 'pattern', sizes, names);
            return cursor.afterEquals ? builtinItems('pattern') : [];
        case 'equation':
            if (cursor.previous?.text === ':') return elementTypeItems();
            if (top?.bracket === '[') return indexItems(state, cursor);
            if (
                top?.bracket === '(' &&
                top.before !== undefined &&
                builtinFor(top.before, 'equation')
            ) {
                return callItems(cursor, 'equation', tensors, names);
            }
            if (!cursor.afterEquals) return [];
            return [
                ...symbolItems(tensors, cursor, names),
                ...symbolItems(sizes, cursor, names),
                ...(cursor.previous?.text === '=' ? builtinItems('equation') : []),
            ];
    }
}

/** The sizes and the other names of an analysis, each in source order, split once per analysis. */
const splits = new WeakMap<Analysis, { sizes: SymbolInfo[]; tensors: SymbolInfo[] }>();

/** The names defined on lines before `line`: a binary search in each list. */
function namesBefore(
    analysis: Analysis,
    line: number,
): { sizes: SymbolInfo[]; tensors: SymbolInfo[] } {
    let split = splits.get(analysis);
    if (split === undefined) {
        split = {
            sizes: analysis.symbols.filter((symbol) => symbol.kind === 'size'),
            tensors: analysis.symbols.filter((symbol) => symbol.kind !== 'size'),
        };
        splits.set(analysis, split);
    }
    const before = (symbols: SymbolInfo[]): SymbolInfo[] => {
        let low = 0;
        let high = symbols.length;
        while (low < high) {
            const middle = (low + high) >> 1;
            if (symbols[middle]!.nameRange.start.line < line) low = middle + 1;
            else high = middle;
        }
        return symbols.slice(0, low);
    };
    return { sizes: before(split.sizes), tensors: before(split.tensors) };
}

function keywordItems(): CompletionItem[] {
    return Object.entries(KEYWORD_DOCS).map(([keyword, doc]) => ({
        label: keyword,
        kind: CompletionItemKind.Keyword,
        documentation: { kind: MarkupKind.Markdown, value: doc },
        insertText: `${keyword} `,
    }));
}

function elementTypeItems(): CompletionItem[] {
    return Object.entries(ELEMENT_TYPES).map(([name, doc]) => ({
        label: name,
        kind: CompletionItemKind.TypeParameter,
        documentation: doc,
    }));
}

/**
 * The names that match what has been typed. A long list keeps the nearest definitions (the
 * symbols arrive in source order) and is marked incomplete, so the client asks again as the user
 * types.
 */
function symbolItems(
    symbols: SymbolInfo[],
    cursor: CursorContext,
    names: { incomplete: boolean },
): CompletionItem[] {
    let matching = symbols;
    if (matching.length > MAX_ITEMS) {
        const typed = cursor.prefix.toLowerCase();
        if (typed !== '') {
            matching = symbols.filter(
                (symbol) => symbol.name.slice(0, typed.length).toLowerCase() === typed,
            );
        }
        matching = matching.slice(-MAX_ITEMS);
        names.incomplete = true;
    }
    return matching.map((symbol) => ({
        label: symbol.name,
        kind: SYMBOL_KINDS[symbol.kind],
        detail: symbolDetail(symbol),
        sortText: `${NAME_SORT}${String(Math.max(0, cursor.startLine - symbol.nameRange.start.line)).padStart(7, '0')}`,
    }));
}

function symbolDetail(symbol: SymbolInfo): string {
    if (symbol.kind === 'size') return `size = ${symbol.value ?? '?'}`;
    const shape = symbol.shape === undefined ? '' : ` ${shapeText(symbol.shape)}`;
    return `${symbol.kind}${shape}`;
}

function builtinItems(context: 'pattern' | 'equation'): CompletionItem[] {
    return BUILTINS.filter((builtin) => builtin.context === context).map((builtin) => {
        const required = builtin.parameters.filter(
            (parameter) => parameter.default === undefined && !parameter.name.endsWith('...'),
        );
        const snippet = required
            .filter((parameter) => parameter.name !== 'out')
            .map((parameter, i) =>
                parameter.keyword
                    ? `${parameter.name}=\${${i + 1}}`
                    : `\${${i + 1}:${parameter.name}}`,
            )
            .join(', ');
        return {
            label: builtin.name,
            kind: CompletionItemKind.Function,
            detail: signatureLabel(builtin),
            documentation: { kind: MarkupKind.Markdown, value: builtin.doc },
            insertText: `${builtin.name}(${snippet})`,
            insertTextFormat: InsertTextFormat.Snippet,
            sortText: `3${builtin.name}`,
            command: TRIGGER_PARAMETER_HINTS,
        };
    });
}

/** Inside a built-in call: its keyword parameters not yet given, and the names an argument takes. */
function callItems(
    cursor: CursorContext,
    context: 'pattern' | 'equation',
    candidates: SymbolInfo[],
    found: { incomplete: boolean },
): CompletionItem[] {
    const top = cursor.open[cursor.open.length - 1]!;
    const builtin = top.before === undefined ? undefined : builtinFor(top.before, context);
    if (builtin === undefined) return symbolItems(candidates, cursor, found);
    if (top.keyword === 'padding' && cursor.previous?.text === '=') {
        return [
            ...['"same"', '"valid"'].map((label) => ({ label, kind: CompletionItemKind.Value })),
            ...symbolItems(candidates, cursor, found),
        ];
    }
    if (top.keyword !== undefined) return symbolItems(candidates, cursor, found);
    const keywords = builtin.parameters
        .filter((parameter) => parameter.keyword && !top.keywords.includes(parameter.name))
        .map((parameter) => ({
            label: `${parameter.name}=`,
            kind: CompletionItemKind.Property,
            detail: parameter.default === undefined ? 'required' : `default ${parameter.default}`,
            documentation: parameter.doc,
            filterText: parameter.name,
            sortText: `0${parameter.name}`,
        }));
    return [...keywords, ...symbolItems(candidates, cursor, found)];
}

/** The indices of the statement: from its analysis, else every name written inside its brackets. */
function indexItems(state: DocumentState, cursor: CursorContext): CompletionItem[] {
    const equation = equationAtLine(state.analysis, cursor.startLine);
    const found = new Map<string, string>();
    for (const index of equation?.indices ?? []) {
        found.set(index.name, `index, size ${index.size}${index.summed ? ', summed' : ''}`);
    }
    let depth = 0;
    for (const token of cursor.statementTokens) {
        if (token.text === '[') depth++;
        else if (token.text === ']') depth = Math.max(0, depth - 1);
        else if (depth > 0 && token.kind === 'name' && token.text !== cursor.prefix) {
            if (!found.has(token.text)) found.set(token.text, 'index');
        }
    }
    return [...found].map(([name, detail]) => ({
        label: name,
        kind: CompletionItemKind.TypeParameter,
        detail,
    }));
}
