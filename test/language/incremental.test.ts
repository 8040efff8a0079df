// Incremental parsing and analysis equal a fresh `parse()` and `analyze()` of the same text after
// every edit of random edit sequences (tokens, comments and trees; diagnostics, symbols with their
// references, equations with networks and indices).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../server/src/language/analyze';
import { IncrementalAnalysis } from '../../server/src/language/incremental';
import { IncrementalParse } from '../../server/src/language/incrementalParse';
import { parse } from '../../server/src/language/parser';

function tnetFiles(...parts: string[]): string[] {
    const folder = join(import.meta.dirname, '..', '..', ...parts);
    return readdirSync(folder)
        .filter((name) => name.endsWith('.tnet'))
        .sort()
        .map((name) => readFileSync(join(folder, name), 'utf8'));
}

const sources = [...tnetFiles('examples'), ...tnetFiles('test', 'language', 'fixtures')];
const sourceLines = [...new Set(sources.flatMap((source) => source.split('\n')))];

const FRAGMENTS = [
    'size ',
    'tensor ',
    'pattern ',
    'conv',
    'vjp',
    'jvp',
    'einsum',
    'unfold',
    'X',
    'Y',
    'K',
    'N',
    'C',
    'H',
    'P',
    'i',
    'n',
    '(',
    ')',
    '[',
    ']',
    ', ',
    ' = ',
    '+',
    '-',
    '*',
    '/',
    ':',
    '"',
    '"ij,jk->ik"',
    '0',
    '1',
    '3',
    '\n',
    ' ',
    '#',
    'f16',
    'stride=',
    'padding=',
    'kernel=',
    'in=',
    '\r\n',
    '\r',
];

/** One edit of a text: characters replaced, or a whole line copied, moved or deleted. */
type Edit =
    | { kind: 'replace'; at: number; remove: number; insert: string[] }
    | { kind: 'copy'; from: number; to: number }
    | { kind: 'move'; from: number; to: number }
    | { kind: 'delete'; line: number }
    | { kind: 'line'; text: string; to: number };

const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({
        kind: fc.constant('replace' as const),
        at: fc.nat(),
        remove: fc.nat({ max: 4 }),
        insert: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('copy' as const), from: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), line: fc.nat() }),
    fc.record({
        kind: fc.constant('line' as const),
        text: fc.constantFrom(...sourceLines),
        to: fc.nat(),
    }),
);

function applyEdit(text: string, edit: Edit): string {
    if (edit.kind === 'replace') {
        const at = edit.at % (text.length + 1);
        return text.slice(0, at) + edit.insert.join('') + text.slice(at + edit.remove);
    }
    const lines = text.split('\n');
    switch (edit.kind) {
        case 'copy':
            lines.splice(edit.to % (lines.length + 1), 0, lines[edit.from % lines.length]!);
            break;
        case 'move': {
            const [line] = lines.splice(edit.from % lines.length, 1);
            lines.splice(edit.to % (lines.length + 1), 0, line!);
            break;
        }
        case 'delete':
            lines.splice(edit.line % lines.length, 1);
            break;
        case 'line':
            lines.splice(edit.to % (lines.length + 1), 0, edit.text);
            break;
    }
    return lines.join('\n');
}

/** Analyses each text in turn with one incremental analysis; returns the statements replayed. */
function assertEqualThroughout(texts: string[]): number {
    const incremental = new IncrementalAnalysis();
    const parser = new IncrementalParse();
    let replayed = 0;
    for (const text of texts) {
        const parsed = parser.parse(text);
        assert.deepStrictEqual(parsed, parse(text), JSON.stringify(text));
        const analysis = incremental.analyze(text, parsed);
        assert.deepStrictEqual(analysis, analyze(text), JSON.stringify(text));
        replayed += incremental.replayed;
    }
    return replayed;
}

function edited(source: string, edits: Edit[]): string[] {
    const texts = [source];
    for (const edit of edits) texts.push(applyEdit(texts[texts.length - 1]!, edit));
    return texts;
}

void test('random edits of the examples: each version equals a fresh analysis', () => {
    let replayed = 0;
    fc.assert(
        fc.property(
            fc.constantFrom(...sources),
            fc.array(editArbitrary, { minLength: 1, maxLength: 12 }),
            (source, edits) => {
                replayed += assertEqualThroughout(edited(source, edits));
            },
        ),
        { numRuns: 400, seed: 1234 },
    );
    assert.ok(replayed > 1000, `only ${replayed} statements were replayed`);
});

void test('random texts built of example lines and fragments, edited at random', () => {
    const line = fc.oneof(
        fc.constantFrom(...sourceLines),
        fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join('')),
    );
    let replayed = 0;
    fc.assert(
        fc.property(
            fc.array(line, { maxLength: 30 }).map((lines) => lines.join('\n')),
            fc.array(editArbitrary, { minLength: 1, maxLength: 12 }),
            (source, edits) => {
                replayed += assertEqualThroughout(edited(source, edits));
            },
        ),
        { numRuns: 400, seed: 99 },
    );
    assert.ok(replayed > 100, `only ${replayed} statements were replayed`);
});

void test('a digit typed into a shape checks again only that statement and what uses it', () => {
    const source = sources.find((text) => text.includes('tensor V[N, D, 8, 8]'))!;
    const typed = source.replace('tensor V[N, D, 8, 8]', 'tensor V[N, D, 8, 18]');
    const incremental = new IncrementalAnalysis();
    incremental.analyze(source, parse(source));
    const analysis = incremental.analyze(typed, parse(typed));
    assert.deepStrictEqual(analysis, analyze(typed));
    // size, X, K and Y come before V; V and GK = vjp(Y, K, V) are checked again.
    assert.deepStrictEqual([incremental.replayed, incremental.checked], [4, 2]);
});
