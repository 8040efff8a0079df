/** The `.tnet` lexer: text to tokens with ranges, newlines only where a statement can end. */
import type { Position, Range } from '../network/ir';
import { codePointWidth, showCharacter } from './characters';

export type TokenKind =
    | 'name'
    | 'number'
    | 'string'
    | 'punct'
    | 'newline'
    | 'eof'
    /** A character that starts no token, or a string left open at the end of its line. */
    | 'invalid';

export interface Token {
    kind: TokenKind;
    /** The token's text; for a string, its contents without the quotes. */
    text: string;
    range: Range;
    /** For an invalid token: what is wrong with it. */
    problem?: string;
}

export interface Comment {
    text: string;
    range: Range;
}

export interface LexResult {
    tokens: Token[];
    comments: Comment[];
}

/** The one-character punctuation, by character code; `//` is found before `/` is looked up here. */
const PUNCTUATION = new Map(
    ['(', ')', '[', ']', ',', '=', '+', '-', '*', '/', '%', ':'].map((p) => [p.charCodeAt(0), p]),
);

/** Words that open a statement; a line that starts with one ends any statement left open above it. */
export const KEYWORDS = new Set(['size', 'tensor', 'pattern']);

function isNameStart(code: number): boolean {
    return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isDigit(code: number): boolean {
    return code >= 48 && code <= 57;
}

function isLineBreak(code: number): boolean {
    return code === 10 || code === 13;
}

function isNamePart(code: number): boolean {
    return isNameStart(code) || isDigit(code);
}

/**
 * Splits text into tokens. A newline token ends a statement; none is emitted while a `(` or `[` is
 * open, so a statement continues over lines, except that a line starting with a keyword always starts
 * a new statement (which keeps an unclosed bracket from swallowing the rest of the file).
 */
export function lex(text: string): LexResult {
    const tokens: Token[] = [];
    const comments: Comment[] = [];
    let line = 0;
    let lineStart = 0;
    let depth = 0;
    let offset = 0;
    let atLineStart = true;

    const position = (at: number): Position => ({ line, character: at - lineStart });
    const push = (kind: TokenKind, value: string, start: number, end: number, problem?: string) => {
        const token: Token = {
            kind,
            text: value,
            range: { start: position(start), end: position(end) },
        };
        if (problem !== undefined) token.problem = problem;
        tokens.push(token);
    };

    while (offset < text.length) {
        const code = text.charCodeAt(offset);
        if (code === 10 || code === 13) {
            const end = code === 13 && text.charCodeAt(offset + 1) === 10 ? offset + 2 : offset + 1;
            if (depth === 0) push('newline', '\n', offset, offset);
            offset = end;
            line++;
            lineStart = offset;
            atLineStart = true;
            continue;
        }
        if (code === 32 || code === 9 || code === 12 || code === 0xfeff) {
            offset++;
            continue;
        }
        if (code === 35) {
            let end = offset;
            while (end < text.length && !isLineBreak(text.charCodeAt(end))) end++;
            comments.push({
                text: text.slice(offset, end),
                range: { start: position(offset), end: position(end) },
            });
            offset = end;
            continue;
        }
        const start = offset;
        if (isNameStart(code)) {
            while (offset < text.length && isNamePart(text.charCodeAt(offset))) offset++;
            const word = text.slice(start, offset);
            if (atLineStart && depth > 0 && KEYWORDS.has(word)) {
                depth = 0;
                push('newline', '\n', start, start);
            }
            push('name', word, start, offset);
        } else if (isDigit(code) || (code === 46 && isDigit(text.charCodeAt(offset + 1)))) {
            while (isDigit(text.charCodeAt(offset))) offset++;
            if (text[offset] === '.' && isDigit(text.charCodeAt(offset + 1))) {
                offset++;
                while (isDigit(text.charCodeAt(offset))) offset++;
            }
            if (text[offset] === 'e' || text[offset] === 'E') {
                const sign = text[offset + 1] === '+' || text[offset + 1] === '-' ? 1 : 0;
                if (isDigit(text.charCodeAt(offset + 1 + sign))) {
                    offset += 1 + sign;
                    while (isDigit(text.charCodeAt(offset))) offset++;
                }
            }
            push('number', text.slice(start, offset), start, offset);
        } else if (code === 34) {
            offset++;
            while (offset < text.length) {
                const next = text.charCodeAt(offset);
                if (next === 34 || isLineBreak(next)) break;
                offset++;
            }
            if (text.charCodeAt(offset) === 34) {
                push('string', text.slice(start + 1, offset), start, offset + 1);
                offset++;
            } else {
                push('invalid', text.slice(start, offset), start, offset, 'unterminated string');
            }
        } else if (code === 46 && text.startsWith('...', offset)) {
            offset += 3;
            push('punct', '...', start, offset);
        } else {
            const punct =
                code === 47 && text.charCodeAt(offset + 1) === 47 ? '//' : PUNCTUATION.get(code);
            if (punct === undefined) {
                // A surrogate pair is one character: keep it together.
                offset += codePointWidth(text, offset);
                const shown = text.slice(start, offset);
                push(
                    'invalid',
                    shown,
                    start,
                    offset,
                    `unexpected character ${showCharacter(shown)}`,
                );
            } else {
                offset += punct.length;
                if (punct === '(' || punct === '[') depth++;
                if ((punct === ')' || punct === ']') && depth > 0) depth--;
                push('punct', punct, start, offset);
            }
        }
        atLineStart = false;
    }
    push('newline', '\n', offset, offset);
    push('eof', '', offset, offset);
    return { tokens, comments };
}
