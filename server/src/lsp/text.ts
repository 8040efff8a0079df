/** Position and range arithmetic (0-based line, UTF-16 character, as in LSP). */
import type { Position, Range } from '../network/ir';

export function comparePositions(a: Position, b: Position): number {
    return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** True when the position lies in the range or touches its end (a cursor right after a word). */
export function touches(range: Range, position: Position): boolean {
    return (
        comparePositions(range.start, position) <= 0 && comparePositions(position, range.end) <= 0
    );
}

export function containsRange(outer: Range, inner: Range): boolean {
    return (
        comparePositions(outer.start, inner.start) <= 0 &&
        comparePositions(inner.end, outer.end) <= 0
    );
}

export function sameRange(a: Range, b: Range): boolean {
    return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

/** True when the two ranges share at least one line. */
export function overlapsLines(range: Range, first: number, last: number): boolean {
    return range.start.line <= last && range.end.line >= first;
}

/** A position clamped into the document: a client may send one past the end of a line or file. */
export function clampPosition(lines: readonly string[], position: Position): Position {
    const line = Math.max(0, Math.min(position.line, lines.length - 1));
    const character = Math.max(0, Math.min(position.character, lines[line]?.length ?? 0));
    return { line, character };
}

export function splitLines(text: string): string[] {
    return text.split(/\r\n|\r|\n/);
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** The name under or just before the position on its line, with its range. */
export function nameAt(
    lines: readonly string[],
    position: Position,
): { name: string; range: Range } | undefined {
    const text = lines[position.line];
    if (text === undefined) return undefined;
    let start = Math.min(position.character, text.length);
    while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!)) start--;
    NAME.lastIndex = start;
    const match = NAME.exec(text);
    if (match === null) return undefined;
    const end = start + match[0].length;
    if (end < position.character) return undefined;
    return {
        name: match[0],
        range: {
            start: { line: position.line, character: start },
            end: { line: position.line, character: end },
        },
    };
}

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
