// Every file in examples/ checks with the shapes it states, and where an example writes an
// operation out beside the built-in call, both are the same network.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkFixture } from './fixture';
import { assertSameNetwork } from './networks';

const folder = join(import.meta.dirname, '..', '..', 'examples');

/** Per example: the written-out statement and the call it must equal. */
const PAIRS: Record<string, [string, string]> = {
    'conv1d.tnet': ['Y', 'Z'],
    'conv2d.tnet': ['Y', 'Z'],
    'conv3d.tnet': ['Y', 'Z'],
    'conv-grouped.tnet': ['Y', 'Z'],
    'conv-strided.tnet': ['Y', 'Z'],
    'conv-dilated.tnet': ['Y', 'Z'],
    'conv-same.tnet': ['Y', 'Z'],
    'conv-transpose.tnet': ['Y', 'Z'],
    'unfold.tnet': ['U2', 'U'],
    'vjp-input.tnet': ['GX2', 'GX'],
    'einsum-chain.tnet': ['M2', 'M'],
};

const files = readdirSync(folder)
    .filter((name) => name.endsWith('.tnet'))
    .sort();

void test('the examples cover every operation of the paper', () => {
    for (const name of [
        'conv1d',
        'conv2d',
        'conv3d',
        'conv-grouped',
        'conv-strided',
        'conv-dilated',
        'conv-same',
        'conv-transpose',
        'unfold',
        'kfc',
        'kfac-reduce',
        'vjp-input',
        'vjp-weight',
        'jvp',
        'einsum-chain',
    ]) {
        assert.ok(files.includes(`${name}.tnet`), name);
    }
});

for (const file of files) {
    void test(`example ${file}`, () => {
        const { analysis } = checkFixture(readFileSync(join(folder, file), 'utf8'), file);
        assert.ok(analysis.diagnostics.every((diagnostic) => diagnostic.severity !== 'error'));
        const pair = PAIRS[file];
        if (pair === undefined) return;
        const network = (name: string) =>
            analysis.equations.find((equation) => equation.name === name)!.network!;
        assertSameNetwork(network(pair[0]), network(pair[1]));
    });
}
