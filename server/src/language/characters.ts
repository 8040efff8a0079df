/** How a character is shown in a message: itself when visible, its code point when not. */

/**
 * A whole code point in backticks, or `U+XXXX` for a control character, a lone surrogate half or
 * an invisible format character, which would otherwise reach the message raw or unreadable.
 */
export function showCharacter(character: string): string {
    const point = character.codePointAt(0) ?? 0;
    const invisible =
        point < 0x20 ||
        (point >= 0x7f && point <= 0x9f) ||
        (point >= 0xd800 && point <= 0xdfff) ||
        point === 0xad ||
        (point >= 0x200b && point <= 0x200f) ||
        (point >= 0x2028 && point <= 0x202e) ||
        (point >= 0x2060 && point <= 0x2064) ||
        point === 0xfeff;
    if (!invisible) return `\`${String.fromCodePoint(point)}\``;
    return `U+${point.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The length in UTF-16 units of the code point at `at`: 2 for a whole surrogate pair, else 1. */
export function codePointWidth(text: string, at: number): number {
    return (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1;
}
