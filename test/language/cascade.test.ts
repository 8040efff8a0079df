// One mistake gives one diagnostic: renaming any one occurrence of a top-level name in any example
// (a definition or a use) gives exactly one error, however much depends on it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';
import type { Range } from '../../server/src/network/ir';

const folder = join(import.meta.dirname, '..', '..', 'examples');

function offsetOf(lines: string[], range: Range): number {
    let offset = 0;
    for (let line = 0; line < range.start.line; line++) offset += lines[line]!.length + 1;
    return offset + range.start.character;
}

for (const file of readdirSync(folder)
    .filter((name) => name.endsWith('.tnet'))
    .sort()) {
    void test(`one renamed name in ${file} gives one error`, () => {
        const text = readFileSync(join(folder, file), 'utf8');
        const lines = text.split('\n');
        const analysis = analyze(text);
        const occurrences = analysis.symbols.flatMap((symbol) => [
            { name: symbol.name, range: symbol.nameRange, use: false },
            ...symbol.references.map((range) => ({ name: symbol.name, range, use: true })),
        ]);
        assert.ok(occurrences.length > 5);
        for (const { name, range, use } of occurrences) {
            const at = offsetOf(lines, range);
            assert.equal(text.slice(at, at + name.length), name);
            const mutated = `${text.slice(0, at)}${name}q${text.slice(at + name.length)}`;
            const errors = analyze(mutated).diagnostics.filter(
                (diagnostic) => diagnostic.severity === 'error',
            );
            const where = `${name} renamed at ${range.start.line + 1}:${range.start.character + 1}`;
            // A renamed use is one E002; a renamed definition is one E002 at its first use, or
            // nothing when the definition was a result that nothing reads.
            assert.ok(
                use ? errors.length === 1 : errors.length <= 1,
                `${where}: ${errors.map((error) => `${error.code} ${error.message}`).join('; ')}`,
            );
        }
    });
}

void test('a name written in a statement that failed to parse is not reported unused', () => {
    const warnings = (text: string) =>
        analyze(text)
            .diagnostics.filter((diagnostic) => diagnostic.code === 'W101')
            .map((diagnostic) => diagnostic.message);
    assert.deepEqual(warnings('size N = 4, C = 3\ntensor X[N, C H]\n'), []);
    const deep = `tensor A[2]\nB[i] = ${'('.repeat(20000)}1${')'.repeat(20000)} * A[i]\n`;
    const analysis = analyze(deep);
    assert.deepEqual(
        analysis.diagnostics.map((diagnostic) => diagnostic.code),
        ['E001'],
    );
    // A name no statement mentions is still reported.
    assert.deepEqual(warnings('size N = 4, C = 3\ntensor X[N, N H]\n'), [
        'size `C` is defined but never used',
    ]);
});
