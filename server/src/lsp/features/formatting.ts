/**
 * Formatting into one canonical layout, token by token: one space around `=` and binary operators
 * (none around a keyword argument's `=`), one after a comma, none inside brackets, continuation
 * lines indented by bracket depth, comments kept, at most one blank line in a row. Formatting its
 * own output changes nothing.
 */
import type { TextEdit } from 'vscode-languageserver';
import { lex, type Token } from '../../language/lexer';
import type { Feature, ServerContext } from '../server';
import { splitLines } from '../text';

const BINARY = new Set(['+', '-', '*', '/', '//', '%']);
const OPENING = new Set(['(', '[']);
const CLOSING = new Set([')', ']']);

export const formattingFeature: Feature = {
    name: 'formatting',
    capabilities: () => ({ documentFormattingProvider: true }),
    register(context: ServerContext): void {
        context.connection.onDocumentFormatting(
            context.guard('formatting', (params): TextEdit[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return formattingEdits(state.text);
            }),
        );
    },
};

/** The text in canonical layout. */
export function formatText(text: string): string {
    const lines = splitLines(text);
    const { tokens, comments } = lex(text);
    const byLine = new Map<number, Token[]>();
    for (const token of tokens) {
        if (token.kind === 'eof') continue;
        const line = token.range.start.line;
        if (!byLine.has(line)) byLine.set(line, []);
        byLine.get(line)!.push(token);
    }
    const commentAt = new Map(comments.map((comment) => [comment.range.start.line, comment.text]));

    const out: string[] = [];
    let depth = 0;
    for (let line = 0; line < lines.length; line++) {
        const lineTokens = byLine.get(line) ?? [];
        // A newline token at the start of a line (a keyword after an unclosed bracket) resets depth.
        const code = lineTokens.filter((token) => token.kind !== 'newline');
        if (lineTokens[0]?.kind === 'newline' && code.length > 0) depth = 0;
        const startDepth = depth;
        for (const token of code) {
            if (token.kind !== 'punct') continue;
            if (OPENING.has(token.text)) depth++;
            else if (CLOSING.has(token.text)) depth = Math.max(0, depth - 1);
        }
        if (lineTokens.some((token) => token.kind === 'newline' && token !== lineTokens[0])) {
            depth = 0;
        }

        const comment = commentAt.get(line)?.trimEnd();
        let formatted: string;
        if (code.some((token) => token.kind === 'invalid')) {
            formatted = lines[line]!.trimEnd();
        } else {
            const body = joinTokens(code, startDepth);
            const indent = startDepth > 0 && code.length > 0 ? indentFor(startDepth, code[0]!) : '';
            const commentIndent =
                startDepth > 0 && code.length === 0 ? '    '.repeat(startDepth) : '';
            formatted =
                body === ''
                    ? comment === undefined
                        ? ''
                        : commentIndent + comment
                    : indent + body + (comment === undefined ? '' : `  ${comment}`);
        }
        if (formatted === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
        out.push(formatted);
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.length === 0 ? '' : out.join('\n') + '\n';
}

function indentFor(depth: number, first: Token): string {
    const closing = first.kind === 'punct' && CLOSING.has(first.text) ? 1 : 0;
    return '    '.repeat(Math.max(0, depth - closing));
}

function tokenText(token: Token): string {
    return token.kind === 'string' ? `"${token.text}"` : token.text;
}

/** Joins one line's tokens with canonical spacing; `depth` is the bracket depth at its start. */
function joinTokens(tokens: Token[], depth: number): string {
    let out = '';
    const stack: string[] = Array.from({ length: depth }, () => '(');
    let previous: Token | undefined;
    let previousUnary = false;
    for (const token of tokens) {
        const text = tokenText(token);
        const insideParens = stack[stack.length - 1] === '(';
        let unary = false;
        if (token.kind === 'punct' && (token.text === '-' || token.text === '+')) {
            unary =
                previous === undefined ||
                (previous.kind === 'punct' && !CLOSING.has(previous.text));
        }
        if (previous !== undefined) {
            out += spaceBetween(previous, token, insideParens, previousUnary) ? ' ' : '';
        }
        out += text;
        if (token.kind === 'punct') {
            if (OPENING.has(token.text)) stack.push(token.text);
            else if (CLOSING.has(token.text)) stack.pop();
        }
        previous = token;
        previousUnary = unary;
    }
    return out;
}

function spaceBetween(a: Token, b: Token, insideParens: boolean, aUnary: boolean): boolean {
    const ap = a.kind === 'punct' ? a.text : undefined;
    const bp = b.kind === 'punct' ? b.text : undefined;
    if (ap !== undefined && OPENING.has(ap)) return false;
    if (bp !== undefined && CLOSING.has(bp)) return false;
    if (bp === ',') return false;
    if (ap === ',') return true;
    if (ap === '=' || bp === '=') return !insideParens;
    if (aUnary) return false;
    if (bp !== undefined && OPENING.has(bp)) return ap !== undefined || a.kind !== 'name';
    if (ap === ':' || bp === ':') return true;
    if ((ap !== undefined && BINARY.has(ap)) || (bp !== undefined && BINARY.has(bp))) return true;
    return true;
}

/** The edit that turns the text into its canonical layout: one replacement of the lines that differ. */
export function formattingEdits(text: string): TextEdit[] {
    const formatted = formatText(text);
    if (formatted === text) return [];
    const before = splitLines(text);
    const after = splitLines(formatted);
    if (formatted === '') {
        const last = before.length - 1;
        const end = { line: last, character: before[last]!.length };
        return [{ range: { start: { line: 0, character: 0 }, end }, newText: '' }];
    }
    let head = 0;
    while (head < before.length && head < after.length && before[head] === after[head]) head++;
    let tail = 0;
    while (
        tail < before.length - head &&
        tail < after.length - head &&
        before[before.length - 1 - tail] === after[after.length - 1 - tail]
    ) {
        tail++;
    }
    const lastBefore = before.length - 1 - tail;
    const replaced = after.slice(head, after.length - tail);
    // Replace whole lines [head, lastBefore]; the line break after the last one stays.
    if (lastBefore < head) {
        return [
            {
                range: { start: { line: head, character: 0 }, end: { line: head, character: 0 } },
                newText: replaced.map((line) => line + '\n').join(''),
            },
        ];
    }
    if (replaced.length === 0) {
        return [
            {
                range: {
                    start: { line: head, character: 0 },
                    end: { line: lastBefore + 1, character: 0 },
                },
                newText: '',
            },
        ];
    }
    return [
        {
            range: {
                start: { line: head, character: 0 },
                end: { line: lastBefore, character: before[lastBefore]!.length },
            },
            newText: replaced.join('\n'),
        },
    ];
}
