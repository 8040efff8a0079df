/**
 * Semantic tokens for names, which the TextMate grammar cannot tell apart: sizes, tensors,
 * patterns and indices from the analysis; keywords, built-ins, keyword arguments and element
 * types from the tokens around them.
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { SymbolKind } from '../../language/model';
import type { Range } from '../../network/ir';
import { BUILTIN_NAMES, ELEMENT_TYPES, KEYWORD_DOCS } from '../builtins';
import type { DocumentState } from '../documents';
import type { Feature, ServerContext } from '../server';

const TYPES = [
    'keyword',
    'function',
    'variable',
    'parameter',
    'type',
    'property',
    'struct',
] as const;
const MODIFIERS = ['declaration', 'readonly', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];
type Modifier = (typeof MODIFIERS)[number];

export const SEMANTIC_LEGEND: SemanticTokensLegend = {
    tokenTypes: [...TYPES],
    tokenModifiers: [...MODIFIERS],
};

const SYMBOL_TYPES: Record<SymbolKind, [TokenType, Modifier[]]> = {
    size: ['variable', ['readonly']],
    tensor: ['variable', []],
    pattern: ['struct', []],
    equation: ['variable', []],
};

export const semanticTokensFeature: Feature = {
    name: 'semantic tokens',
    capabilities: () => ({
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true, range: true },
    }),
    register(context: ServerContext): void {
        const languages = context.connection.languages.semanticTokens;
        languages.on(
            context.guard('semantic tokens', (params): SemanticTokens | null => {
                const state = context.documents.get(params.textDocument.uri);
                return state === undefined ? null : semanticTokens(state);
            }),
        );
        languages.onRange(
            context.guard('semantic tokens', (params): SemanticTokens | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return semanticTokens(state, params.range.start.line, params.range.end.line);
            }),
        );
    },
};

const key = (range: Range): string => `${range.start.line}:${range.start.character}`;

export function semanticTokens(state: DocumentState, first = 0, last = Infinity): SemanticTokens {
    const analysis = state.analysis;
    const known = new Map<string, [TokenType, Modifier[]]>();
    for (const symbol of analysis.symbols) {
        const [type, modifiers] = SYMBOL_TYPES[symbol.kind];
        known.set(key(symbol.nameRange), [type, [...modifiers, 'declaration']]);
        for (const reference of symbol.references) known.set(key(reference), [type, modifiers]);
    }
    for (const equation of analysis.equations) {
        for (const index of equation.indices) {
            for (const occurrence of index.occurrences)
                known.set(key(occurrence), ['parameter', []]);
        }
    }

    const data: number[] = [];
    let previousLine = 0;
    let previousCharacter = 0;
    const tokens = state.parsed.tokens;
    let depth = 0;
    let statementStart = true;
    tokens.forEach((token, i) => {
        const startOfStatement = statementStart;
        statementStart = token.kind === 'newline';
        if (token.kind === 'punct') {
            if (token.text === '(' || token.text === '[') depth++;
            if (token.text === ')' || token.text === ']') depth = Math.max(0, depth - 1);
        }
        if (token.kind === 'newline') depth = 0;
        if (token.kind !== 'name') return;
        const line = token.range.start.line;
        if (line < first || line > last) return;
        const next = tokens[i + 1];
        const previous = tokens[i - 1];
        let classified = known.get(key(token.range));
        if (classified === undefined) {
            if (startOfStatement && KEYWORD_DOCS[token.text] !== undefined) {
                classified = ['keyword', []];
            } else if (next?.text === '(' && BUILTIN_NAMES.has(token.text)) {
                classified = ['function', ['defaultLibrary']];
            } else if (previous?.text === ':' && ELEMENT_TYPES[token.text] !== undefined) {
                classified = ['type', ['defaultLibrary']];
            } else if (depth > 0 && next?.text === '=') {
                classified = ['property', []];
            }
        }
        if (classified === undefined) return;
        const [type, modifiers] = classified;
        const character = token.range.start.character;
        data.push(
            line - previousLine,
            line === previousLine ? character - previousCharacter : character,
            token.range.end.character - character,
            TYPES.indexOf(type),
            modifiers.reduce((bits, modifier) => bits | (1 << MODIFIERS.indexOf(modifier)), 0),
        );
        previousLine = line;
        previousCharacter = character;
    });
    return { data };
}
