/** Finding the statement and the token at a position, for the language server's requests. */
import type { Position, Range } from '../network/ir';
import type { Statement } from './ast';
import type { Token } from './lexer';
import type { ParsedFile } from './parser';

function before(a: Position, b: Position): boolean {
    return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** True when the position lies inside the range or on its end (where a cursor after a word sits). */
export function contains(range: Range, position: Position): boolean {
    return !before(position, range.start) && !before(range.end, position);
}

/** The statement whose range holds the position, if any. */
export function statementAt(file: ParsedFile, position: Position): Statement | undefined {
    let low = 0;
    let high = file.statements.length - 1;
    while (low <= high) {
        const middle = (low + high) >> 1;
        const statement = file.statements[middle]!;
        if (before(position, statement.range.start)) high = middle - 1;
        else if (before(statement.range.end, position)) low = middle + 1;
        else return statement;
    }
    return undefined;
}

/** The name, number, string or punctuation token at the position, preferring the one it ends. */
export function tokenAt(file: ParsedFile, position: Position): Token | undefined {
    // The first token that does not end before the position, found by bisection.
    const tokens = file.tokens;
    let low = 0;
    let high = tokens.length;
    while (low < high) {
        const middle = (low + high) >> 1;
        if (before(tokens[middle]!.range.end, position)) low = middle + 1;
        else high = middle;
    }
    let found: Token | undefined;
    for (let at = low; at < tokens.length; at++) {
        const token = tokens[at]!;
        if (before(position, token.range.start)) break;
        if (token.kind === 'newline' || token.kind === 'eof') continue;
        if (contains(token.range, position)) {
            if (token.kind === 'name') return token;
            found ??= token;
        }
    }
    return found;
}
