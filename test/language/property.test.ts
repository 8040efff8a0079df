// Analysis never throws and every range it returns lies inside the file, for random text and for
// the examples mutated at random.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyze, BUILTINS } from '../../server/src/language/analyze';
import type { Analysis } from '../../server/src/language/model';
import type { Range } from '../../server/src/network/ir';

const examples = readdirSync(join(import.meta.dirname, '..', '..', 'examples'))
    .filter((name) => name.endsWith('.tnet'))
    .sort()
    .map((name) => readFileSync(join(import.meta.dirname, '..', '..', 'examples', name), 'utf8'));

const FRAGMENTS = [
    'size',
    'tensor',
    'pattern',
    ...BUILTINS,
    'X',
    'Y',
    'N',
    'K',
    'i',
    'j',
    'n',
    '(',
    ')',
    '[',
    ']',
    ',',
    '=',
    '+',
    '-',
    '*',
    '/',
    '//',
    '%',
    ':',
    '"',
    '"same"',
    '"ij,jk->ik"',
    '"...i,i"',
    '...',
    '0',
    '1',
    '3',
    '-2',
    '0.5',
    '\n',
    ' ',
    '#',
    'f16',
    'stride=',
    'padding=',
    'groups=',
    'kernel=',
    'in=',
    'é',
    '😀',
    '\r\n',
];

function rangesOf(analysis: Analysis): Range[] {
    const ranges: Range[] = [];
    for (const diagnostic of analysis.diagnostics) {
        ranges.push(diagnostic.range, ...(diagnostic.related ?? []).map((item) => item.range));
    }
    for (const symbol of analysis.symbols) {
        ranges.push(symbol.nameRange, symbol.statementRange, ...symbol.references);
    }
    for (const equation of analysis.equations) {
        ranges.push(equation.nameRange, equation.statementRange);
        for (const index of equation.indices) ranges.push(index.sizeFrom, ...index.occurrences);
        for (const term of equation.network?.terms ?? []) {
            if (term.range) ranges.push(term.range);
            for (const operand of term.operands) if (operand.range) ranges.push(operand.range);
        }
    }
    return ranges;
}

function assertInside(text: string): void {
    const analysis = analyze(text);
    const lines = text.split(/\r\n|\r|\n/);
    for (const range of rangesOf(analysis)) {
        for (const position of [range.start, range.end]) {
            assert.ok(position.line >= 0 && position.line < lines.length, JSON.stringify(range));
            assert.ok(
                position.character >= 0 && position.character <= lines[position.line]!.length,
                `${JSON.stringify(range)} in ${JSON.stringify(text)}`,
            );
        }
        const ordered =
            range.start.line < range.end.line ||
            (range.start.line === range.end.line && range.start.character <= range.end.character);
        assert.ok(ordered, JSON.stringify(range));
    }
    for (const diagnostic of analysis.diagnostics) {
        assert.match(diagnostic.code, /^[EWI]\d{3}$/);
        assert.ok(diagnostic.message.length > 0);
    }
}

void test('random token soup never throws and stays inside the file', () => {
    fc.assert(
        fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }), (parts) => {
            assertInside(parts.join(''));
        }),
        { numRuns: 1500, seed: 42 },
    );
});

void test('random strings never throw', () => {
    fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => assertInside(text)),
        { numRuns: 800, seed: 7 },
    );
});

void test('the examples mutated at random never throw and stay inside the file', () => {
    const edit = fc.record({
        at: fc.nat(),
        remove: fc.nat({ max: 6 }),
        insert: fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 3 }),
    });
    fc.assert(
        fc.property(
            fc.constantFrom(...examples),
            fc.array(edit, { minLength: 1, maxLength: 5 }),
            (source, edits) => {
                let text = source;
                for (const { at, remove, insert } of edits) {
                    const position = at % (text.length + 1);
                    text =
                        text.slice(0, position) + insert.join('') + text.slice(position + remove);
                }
                assertInside(text);
            },
        ),
        { numRuns: 600, seed: 3 },
    );
});

void test('deep nesting and long expressions give an error, not a stack overflow', () => {
    assertInside(`size N = ${'('.repeat(5000)}1${')'.repeat(5000)}\n`);
    assertInside(`size N = ${Array.from({ length: 20000 }, () => '1').join(' + ')}\n`);
    assertInside(`Y[i] = ${Array.from({ length: 5000 }, () => 'A[i]').join(' * ')}\n`);
    assertInside(`Y[i] = ${Array.from({ length: 5000 }, () => 'A[i]').join(' + ')}\n`);
    assertInside(`tensor A[${'('.repeat(3000)}`);
});
