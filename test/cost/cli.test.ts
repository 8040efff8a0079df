// `tnet cost` through the CLI's entry: the JSON contract, the report, and bad usage.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { replayPath } from '../../server/src/cost/index';
import { einsumNetwork } from '../../server/src/network/einsum';
import { scratch, tnet } from '../cli';

const { folder, file } = scratch('tnet-cost-');

const CHAIN = file(
    'chain.tnet',
    `# the einsum form and a matrix chain
tensor A[64, 512]
tensor B[512, 8]
tensor C[8, 512]
M = einsum("ij,jk,kl->il", A, B, C)
`,
);

const CONV = file(
    'conv2d.tnet',
    `size N = 8, C = 3, H = 32, W = 32, D = 16
tensor X[N, C, H, W]
tensor K[D, C, 3, 3]
pattern P = conv(in=H, kernel=3, stride=2, padding=1)
pattern Q = conv(in=W, kernel=3, stride=2, padding=1)
Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]
Z = conv(X, K, stride=2, padding=1)
`,
);

interface EquationJson {
    name: string;
    line: number;
    naiveFlops: number;
    flops: number;
    structuredFlops: number;
    largestIntermediate: number;
    peakMemoryBytes: number;
    speedup: number;
    path: number[][];
    steps: { operands: number[]; indices: string[]; summed: string[]; flops: number }[];
    terms?: unknown[];
}

void describe('tnet cost --json', () => {
    void it('the matrix chain contracts A with B first, at numpy cost', async () => {
        const { code, stdout } = await tnet('cost', CHAIN, '--json');
        assert.equal(code, 0);
        const json = JSON.parse(stdout) as { file: string; equations: EquationJson[] };
        assert.equal(json.file, CHAIN);
        const [m] = json.equations;
        assert.equal(m!.name, 'M');
        assert.equal(m!.line, 4);
        assert.deepEqual(m!.path, [
            [0, 1],
            [0, 1],
        ]);
        assert.equal(m!.flops, 2 * 64 * 512 * 8 + 2 * 64 * 8 * 512);
        const net = einsumNetwork('ij,jk,kl->il', [
            [64, 512],
            [512, 8],
            [8, 512],
        ]);
        const replayed = replayPath(net.terms[0]!, net.sizes, 'f32', m!.path);
        assert.equal(replayed.naiveFlops, m!.naiveFlops);
        assert.equal(m!.largestIntermediate, 64 * 512);
        assert.equal(m!.speedup, m!.naiveFlops / m!.flops);
        for (const key of ['structuredFlops', 'peakMemoryBytes', 'steps'] as const) {
            assert.ok(key in m!, key);
        }
    });

    void it('written-out and built-in convolutions cost the same; patterns count by non-zeros', async () => {
        const { code, stdout } = await tnet('cost', CONV, '--json', '--optimizer', 'optimal');
        assert.equal(code, 0);
        const [y, z] = (JSON.parse(stdout) as { equations: EquationJson[] }).equations;
        assert.equal(y!.flops, z!.flops);
        assert.equal(y!.structuredFlops, z!.structuredFlops);
        assert.ok(y!.structuredFlops < y!.flops);
    });

    void it('--statement picks one equation', async () => {
        const { stdout } = await tnet('cost', CONV, '--json', '--statement', 'Z');
        const json = JSON.parse(stdout) as { equations: EquationJson[] };
        assert.deepEqual(
            json.equations.map((equation) => equation.name),
            ['Z'],
        );
    });

    void it('a two-term equation reports totals and every term', async () => {
        const path = file(
            'terms.tnet',
            `tensor A[4, 5]
tensor B[5, 6]
tensor C[4, 6]
Y[i, k] = A[i, j] * B[j, k] + C[i, k]
`,
        );
        const { stdout } = await tnet('cost', path, '--json');
        const [y] = (JSON.parse(stdout) as { equations: EquationJson[] }).equations;
        assert.equal(y!.terms!.length, 2);
        assert.equal(y!.flops, 2 * 4 * 5 * 6 + 4 * 6);
    });
});

void describe('tnet check with the cost diagnostics', () => {
    const dense = file(
        'dense.tnet',
        `tensor X[8, 3, 32]
tensor W[16, 3, 2]
Z = conv(X, W, stride=2)
`,
    );

    void it('hints I201 and warns W103 over --memory-budget, in JSON', async () => {
        const { code, stdout } = await tnet('check', dense, '--json', '--memory-budget', '1KiB');
        assert.equal(code, 0);
        const [report] = (
            JSON.parse(stdout) as { files: { diagnostics: { code: string; severity: string }[] }[] }
        ).files;
        assert.deepEqual(
            report!.diagnostics.map((d) => [d.code, d.severity]),
            [
                ['I201', 'hint'],
                ['W103', 'warning'],
            ],
        );
    });

    void it('is quiet about memory under the default budget', async () => {
        const { stdout } = await tnet('check', dense, '--json');
        assert.doesNotMatch(stdout, /W103/);
    });

    void it('takes --memory-budget 0 as no budget: no W103', async () => {
        const { code, stdout } = await tnet('check', dense, '--json', '--memory-budget', '0');
        assert.equal(code, 0);
        assert.doesNotMatch(stdout, /W103/);
    });

    void it('rejects a budget that is not a size', async () => {
        const { code, stderr } = await tnet('check', dense, '--memory-budget', 'plenty');
        assert.equal(code, 2);
        assert.match(stderr, /--memory-budget: 'plenty' is not a size/);
    });
});

void describe('tnet cost report and errors', () => {
    void it('prints a report in the manner of opt_einsum', async () => {
        const { code, stdout } = await tnet('cost', CHAIN);
        assert.equal(code, 0);
        for (const label of [
            'Complete contraction:  ij,jk,kl->il',
            'Naive scaling:  4',
            'Optimized scaling:  3',
            'Naive FLOP count:',
            'Optimized FLOP count:  1.049e+6',
            'Theoretical speedup:',
            'Largest intermediate:  3.277e+4 elements',
            'Peak memory:',
        ]) {
            assert.ok(stdout.includes(label), `${label} in\n${stdout}`);
        }
        assert.match(stdout, /1 +A\[i,j\] \* B\[j,k\] +i,k +j +\[64, 8\]/);
    });

    void it('rejects an unknown optimizer, listing the valid ones', async () => {
        const { code, stderr } = await tnet('cost', CHAIN, '--optimizer', 'fastest');
        assert.equal(code, 2);
        assert.match(stderr, /valid optimizers: greedy, random-greedy, dp, optimal, auto/);
    });

    void it('names the equations when --statement names none', async () => {
        const { code, stderr } = await tnet('cost', CONV, '--statement', 'W');
        assert.equal(code, 2);
        assert.match(stderr, /has no equation 'W'; its equations: Y, Z/);
    });

    void it('reports a file with errors and exits 1', async () => {
        const path = file('bad.tnet', 'tensor A[2, 3]\nM = einsum("ij,jk->ik", A, Q)\n');
        const { code, stderr } = await tnet('cost', path);
        assert.equal(code, 1);
        assert.match(stderr, /bad\.tnet:2:\d+: error E002/);
        const json = await tnet('cost', path, '--json');
        assert.equal(json.code, 1);
        const report = JSON.parse(json.stdout) as {
            equations: unknown[];
            diagnostics: Record<string, unknown>[];
        };
        assert.deepEqual(report.equations, []);
        assert.equal(report.diagnostics.length, 1);
        assert.deepEqual(Object.keys(report.diagnostics[0]!).sort(), [
            'code',
            'message',
            'range',
            'severity',
        ]);
        assert.equal(report.diagnostics[0]!.code, 'E002');
    });

    void it('refuses an unknown --statement as bad usage (2), listing the equations', async () => {
        const { code, stderr } = await tnet('cost', CHAIN, '--statement', 'NOPE');
        assert.equal(code, 2);
        assert.match(stderr, /has no equation 'NOPE'; its equations: M/);
    });

    void it('reports a missing file without a stack trace', async () => {
        const { code, stderr } = await tnet('cost', join(folder, 'missing.tnet'));
        assert.equal(code, 1);
        assert.match(stderr, /cannot read/);
        assert.doesNotMatch(stderr, /at .*\.ts:\d+/);
    });
});

void describe('a search that stopped early', () => {
    const letters = 'abcdefghijklmnopqrstuvwxy';
    // 22 matrices in a ring, a..y: more operands than the exhaustive search takes.
    const factors = Array.from({ length: 22 }, (_, k) => `${letters[k]}${letters[(k + 1) % 22]}`);
    const ring = file(
        'ring.tnet',
        factors.map((_, k) => `tensor T${k}[2, 2]`).join('\n') +
            `\nR = einsum("${factors.join(',')}->", ` +
            `${factors.map((_, k) => `T${k}`).join(', ')})\n`,
    );

    void it('says so in JSON and in the report', async () => {
        const json = await tnet('cost', ring, '--optimizer', 'optimal', '--json');
        assert.equal(json.code, 0, json.stderr);
        const [equation] = (
            JSON.parse(json.stdout) as { equations: { complete: boolean; incomplete: string }[] }
        ).equations;
        assert.equal(equation!.complete, false);
        assert.match(equation!.incomplete, /22 operands are more than the exhaustive search/);
        const human = await tnet('cost', ring, '--optimizer', 'optimal');
        assert.match(human.stdout, /Search incomplete: {2}optimal did not finish: 22 operands/);
        const greedy = await tnet('cost', ring, '--optimizer', 'greedy', '--json');
        assert.match(greedy.stdout, /"complete": true/);
        assert.doesNotMatch(greedy.stdout, /incomplete/);
    });
});
