/**
 * Incremental parsing: `parse()` of a new version of a text, reusing the tokens and trees of the
 * lines an edit left alone.
 *
 * The file is cut into segments, runs of lines that start where the lexer is at bracket depth 0
 * and end with the newline token of their last line. The lexer's state at such a line start is
 * the same as at the start of a file, and no statement, string or comment crosses the line break,
 * so lexing and parsing a segment on its own gives the whole file's tokens and statements for
 * those lines, moved down by the segment's first line. A new version keeps the segments before the
 * first changed line and, when the number of lines did not change, those after the last; the
 * lines between are lexed again from the end of the kept segments before them. When the lexer is
 * at depth 0 at the start of the first kept segment after them, the rest is kept; otherwise the
 * lines up to the end of the file are lexed again. The lines lexed again are cut into segments.
 */
import { type Comment, lex, type LexResult, type Token } from './lexer';
import { type ParsedFile, parseTokens } from './parser';

interface Segment {
    /** The first line, and the line after the last. */
    start: number;
    end: number;
    /**
     * The segment's own parse, in the file's lines; its tokens end with its newline, no eof. The
     * names mentioned are an array, absent when empty: a set per segment would cost much memory.
     */
    parsed: Omit<ParsedFile, 'mentioned'> & { mentioned?: string[] };
}

/** Moves every position inside `value` by `delta` lines, in place (shared positions once). */
function shift(value: unknown, delta: number, seen: Set<object>): void {
    if (typeof value !== 'object' || value === null || value instanceof Set || seen.has(value)) {
        return;
    }
    seen.add(value);
    if (Array.isArray(value)) {
        for (const item of value) shift(item, delta, seen);
        return;
    }
    const fields = value as Record<string, unknown>;
    if (typeof fields.line === 'number' && typeof fields.character === 'number') {
        fields.line += delta;
        return;
    }
    for (const key in fields) shift(fields[key], delta, seen);
}

/** The bracket depth the lexer is at after `tokens` (a newline token is only made at depth 0). */
function depthAfter(tokens: readonly Token[]): number {
    let depth = 0;
    for (const token of tokens) {
        if (token.kind === 'newline') depth = 0;
        else if (token.kind === 'punct') {
            if (token.text === '(' || token.text === '[') depth++;
            else if ((token.text === ')' || token.text === ']') && depth > 0) depth--;
        }
    }
    return depth;
}

/** Parses successive versions of one document, each equal to a fresh `parse()` of its text. */
export class IncrementalParse {
    private lines: string[] = [];
    private segments: Segment[] = [];

    parse(text: string): ParsedFile {
        const lines = text.split(/\r\n|\r|\n/);
        const old = this.lines;
        let prefix = 0;
        while (prefix < lines.length && prefix < old.length && lines[prefix] === old[prefix]) {
            prefix++;
        }
        let suffix = 0;
        if (lines.length === old.length) {
            while (
                suffix < lines.length - prefix &&
                lines[lines.length - 1 - suffix] === old[old.length - 1 - suffix]
            ) {
                suffix++;
            }
        }
        // Kept: the segments wholly before the first changed line, and (same line count) after.
        // The last segment ends with the file, where a bracket may be open: it is not kept before.
        const before = this.segments.filter(
            (segment) => segment.end <= prefix && segment.end < old.length,
        );
        const after = this.segments.filter(
            (segment) => lines.length === old.length && segment.start >= lines.length - suffix,
        );
        let from = before.length > 0 ? before[before.length - 1]!.end : 0;
        const fresh: Segment[] = [];
        while (from < lines.length) {
            const next = after.length > 0 ? after[0]!.start : lines.length;
            const lexed = lex(lines.slice(from, Math.max(next, from + 1)).join('\n'));
            if (next < lines.length && depthAfter(lexed.tokens.slice(0, -2)) > 0) {
                // A bracket left open runs on: lex to the end of the file rather than step by step.
                after.length = 0;
                continue;
            }
            fresh.push(...cut(lines, from, Math.max(next, from + 1), lexed));
            from = Math.max(next, from + 1);
            if (after.length > 0 && from === after[0]!.start) break;
        }
        this.lines = lines;
        this.segments = [...before, ...fresh, ...after];
        return this.joined();
    }

    private joined(): ParsedFile {
        const tokens: Token[] = [];
        const comments: Comment[] = [];
        const file: ParsedFile = {
            statements: [],
            errors: [],
            broken: [],
            mentioned: new Set(),
            tokens,
            comments,
        };
        for (const { parsed } of this.segments) {
            for (const token of parsed.tokens) tokens.push(token);
            for (const comment of parsed.comments) comments.push(comment);
            file.statements.push(...parsed.statements);
            file.errors.push(...parsed.errors);
            file.broken.push(...parsed.broken);
            for (const name of parsed.mentioned ?? []) file.mentioned.add(name);
        }
        const last = tokens[tokens.length - 1]!;
        tokens.push({ kind: 'eof', text: '', range: last.range });
        return file;
    }
}

/** Segments of lines `[from, to)`, lexed from line `from` as `lexed` (whose positions it moves). */
function cut(lines: string[], from: number, to: number, lexed: LexResult): Segment[] {
    if (from > 0) shift(lexed, from, new Set());
    const { tokens, comments } = lexed;
    const eof = tokens.pop()!;
    const segments: Segment[] = [];
    let start = from;
    let first = 0;
    let comment = 0;
    const close = (end: number, last: number) => {
        const own = tokens.slice(first, last);
        const tree = parseTokens([...own, { ...eof, range: own[own.length - 1]!.range }]);
        const ownComments: Comment[] = [];
        while (comment < comments.length && comments[comment]!.range.start.line < end) {
            ownComments.push(comments[comment++]!);
        }
        const { statements, errors, broken, mentioned } = tree;
        const parsed: Segment['parsed'] = {
            statements,
            errors,
            broken,
            tokens: own,
            comments: ownComments,
        };
        if (mentioned.size > 0) parsed.mentioned = [...mentioned];
        segments.push({ start, end, parsed });
        start = end;
        first = last;
    };
    tokens.forEach((token, at) => {
        const line = token.range.start.line;
        // A newline at the end of its line ends a segment; one made before a keyword does not.
        if (
            token.kind === 'newline' &&
            line + 1 < to &&
            token.range.start.character === lines[line]!.length
        ) {
            close(line + 1, at + 1);
        }
    });
    if (start < to) close(to, tokens.length);
    return segments;
}
