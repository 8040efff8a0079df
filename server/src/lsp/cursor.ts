/**
 * What surrounds the cursor inside its statement, read from the tokens before it: which kind of
 * statement, which brackets and calls are open, which argument is being written. Completion and
 * signature help both start here; it works on text that does not parse yet.
 */
import { lex, type Token } from '../language/lexer';
import type { Position } from '../network/ir';
import type { DocumentState } from './documents';
import { comparePositions } from './text';

export interface OpenBracket {
    bracket: '(' | '[';
    /** The name right before the bracket: a callee, or a tensor being indexed. */
    before?: string;
    /** Commas seen at this depth: the argument or axis being written. */
    argument: number;
    /** The keyword of the argument being written (`stride` in `stride=2`), once its `=` is typed. */
    keyword?: string;
    /** Keywords of the arguments already written. */
    keywords: string[];
}

export interface CursorContext {
    /** `size`, `tensor`, `pattern`, `equation`, or `start` at the beginning of a statement. */
    statement: 'size' | 'tensor' | 'pattern' | 'equation' | 'start';
    /** The first line of the statement. */
    startLine: number;
    /** The word being typed, up to the cursor. */
    prefix: string;
    /** Open brackets, innermost last. */
    open: OpenBracket[];
    /** True once the statement's top-level `=` is behind the cursor. */
    afterEquals: boolean;
    /** The token right before the cursor (the prefix aside). */
    previous?: Token;
    /** Inside a string or a comment: nothing to offer. */
    inert: boolean;
    /** The tokens of the whole statement, for the names it uses after the cursor too. */
    statementTokens: Token[];
}

/** The statement that holds the line, by binary search (statements are in source order). */
function statementAt(state: DocumentState, line: number): { start: number; end: number } {
    const statements = state.parsed.statements;
    let low = 0;
    let high = statements.length - 1;
    while (low <= high) {
        const middle = (low + high) >> 1;
        const range = statements[middle]!.range;
        if (range.end.line < line) low = middle + 1;
        else if (range.start.line > line) high = middle - 1;
        else return { start: range.start.line, end: range.end.line };
    }
    return { start: line, end: line };
}

export function cursorContext(state: DocumentState, position: Position): CursorContext {
    const lines = statementAt(state, position.line);
    const startLine = lines.start;
    const endLine = Math.max(lines.end, position.line);
    const source = state.lines.slice(startLine, endLine + 1).join('\n');
    const statementTokens = lex(source)
        .tokens.filter((token) => token.kind !== 'newline' && token.kind !== 'eof')
        .map((token) => shift(token, startLine));
    const before = statementTokens.filter(
        (token) => comparePositions(token.range.end, position) <= 0,
    );

    const line = state.lines[position.line] ?? '';
    const head = line.slice(0, position.character);
    let prefix = '';
    const last = before[before.length - 1];
    if (
        last?.kind === 'name' &&
        comparePositions(last.range.end, position) === 0 &&
        /[A-Za-z0-9_]$/.test(head)
    ) {
        prefix = last.text.slice(0, position.character - last.range.start.character);
        before.pop();
    }
    const inert =
        (last?.kind === 'invalid' && last.text.startsWith('"')) || insideCommentOrString(head);

    const open: OpenBracket[] = [];
    let afterEquals = false;
    before.forEach((token, index) => {
        const top = open[open.length - 1];
        if (token.kind !== 'punct') return;
        if (token.text === '(' || token.text === '[') {
            const previous = before[index - 1];
            open.push({
                bracket: token.text,
                ...(previous?.kind === 'name' ? { before: previous.text } : {}),
                argument: 0,
                keywords: [],
            });
        } else if (token.text === ')' || token.text === ']') {
            open.pop();
        } else if (token.text === ',' && top !== undefined) {
            if (top.keyword !== undefined) top.keywords.push(top.keyword);
            delete top.keyword;
            top.argument++;
        } else if (token.text === '=') {
            const previous = before[index - 1];
            if (top === undefined) afterEquals = true;
            else if (previous?.kind === 'name') top.keyword = previous.text;
        }
    });

    const first = before[0];
    let statement: CursorContext['statement'] = 'start';
    if (first !== undefined && first.kind === 'name') {
        statement =
            first.text === 'size' || first.text === 'tensor' || first.text === 'pattern'
                ? first.text
                : 'equation';
    }
    return {
        statement,
        startLine,
        prefix,
        open,
        afterEquals,
        ...(before.length > 0 ? { previous: before[before.length - 1]! } : {}),
        inert,
        statementTokens,
    };
}

function shift(token: Token, lines: number): Token {
    if (lines === 0) return token;
    return {
        ...token,
        range: {
            start: { line: token.range.start.line + lines, character: token.range.start.character },
            end: { line: token.range.end.line + lines, character: token.range.end.character },
        },
    };
}

function insideCommentOrString(head: string): boolean {
    let inString = false;
    for (const c of head) {
        if (c === '"') inString = !inString;
        else if (c === '#' && !inString) return true;
    }
    return inString;
}
