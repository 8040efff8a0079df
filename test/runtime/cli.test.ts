// `tnet run` and `tnet bench` through the CLI's entry, on the CPU: the JSON contract, the human
// report, and exit codes for bad usage and bad input.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parseNpy } from '../../server/src/runtime/npy';
import { scratch, tnet } from '../cli';

const { folder: directory } = scratch('tnet-cli-');
const FILE = join(directory, 'chain.tnet');
writeFileSync(
    FILE,
    'tensor A[64, 512]\ntensor B[512, 8]\ntensor C[8, 512]\nM = einsum("ij,jk,kl->il", A, B, C)\n',
);

void describe('tnet run and tnet bench', () => {
    void it('run --json gives the report and saves the result', async () => {
        const out = join(directory, 'm.npy');
        const result = await tnet(
            'run',
            FILE,
            '--backend',
            'cpu',
            '--json',
            '--save',
            `M=${out}`,
            '--check',
        );
        assert.equal(result.code, 0, result.stderr);
        const report = JSON.parse(result.stdout) as Record<string, unknown>;
        assert.equal(report.statement, 'M');
        assert.deepEqual(report.shape, [64, 512]);
        assert.equal((report.backend as { name: string }).name, 'cpu');
        assert.ok((report.check as { maxAbsError: number }).maxAbsError < 1e-3);
        assert.deepEqual(parseNpy(readFileSync(out)).shape, [64, 512]);
    });

    void it('run prints a per-step table for people', async () => {
        const result = await tnet('run', FILE, '--backend', 'cpu');
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^M \[64, 512\] f32 on cpu/);
        assert.match(result.stdout, /matmul/);
        assert.match(result.stdout, /inputs from the seed: A, B, C/);
    });

    void it('bench --json compares plans as ratios', async () => {
        const result = await tnet(
            'bench',
            FILE,
            '--backend',
            'cpu',
            '--warmup',
            '0',
            '--repeat',
            '2',
            '--json',
        );
        assert.equal(result.code, 0, result.stderr);
        const report = JSON.parse(result.stdout) as {
            plans: { plan: string; ratio: number }[];
            repeat: number;
        };
        assert.equal(report.repeat, 2);
        assert.equal(report.plans[0]!.plan, 'structured');
        assert.equal(report.plans[0]!.ratio, 1);
    });

    void it('run --dense-patterns writes the patterns out and gives the same values', async () => {
        const conv = join(directory, 'conv.tnet');
        writeFileSync(
            conv,
            'tensor X[2, 3, 10, 9]\ntensor K[4, 3, 3, 3]\nZ = conv(X, K, stride=2, padding=1)\n',
        );
        const structured = await tnet('run', conv, '--backend', 'cpu', '--json');
        const dense = await tnet('run', conv, '--backend', 'cpu', '--json', '--dense-patterns');
        assert.equal(dense.code, 0, dense.stderr);
        type Report = { summary: { norm: number }; evaluated: { steps: { kind: string }[] }[] };
        const [a, b] = [structured, dense].map((result) => JSON.parse(result.stdout) as Report);
        assert.ok(Math.abs(a!.summary.norm - b!.summary.norm) < 1e-4 * a!.summary.norm);
        assert.ok(b!.evaluated[0]!.steps.some((step) => step.kind === 'pattern'));
        assert.ok(!a!.evaluated[0]!.steps.some((step) => step.kind === 'pattern'));
    });

    void it('bad usage exits 2 with the reason', async () => {
        const backend = await tnet('run', FILE, '--backend', 'tpu');
        assert.equal(backend.code, 2);
        assert.match(backend.stderr, /unknown backend 'tpu'; valid backends: auto, cpu, webgpu/);
        const input = await tnet('run', FILE, '--input', 'A');
        assert.equal(input.code, 2);
        assert.match(input.stderr, /--input takes NAME=FILE/);
        const repeat = await tnet('bench', FILE, '--repeat', '0');
        assert.equal(repeat.code, 2);
    });

    void it('a file with errors exits 1 with compiler-style lines', async () => {
        const broken = join(directory, 'broken.tnet');
        writeFileSync(broken, 'tensor A[3, 4]\nB[i] = A[i, i]\n');
        const result = await tnet('run', broken, '--backend', 'cpu');
        assert.equal(result.code, 1);
        assert.match(result.stderr, /broken\.tnet:2:\d+: error E004: /);
        assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
    });

    void it('a bad .npy exits 1 with the file named', async () => {
        const bad = join(directory, 'bad.npy');
        writeFileSync(bad, 'not numpy');
        const result = await tnet('run', FILE, '--backend', 'cpu', '--input', `A=${bad}`);
        assert.equal(result.code, 1);
        assert.match(result.stderr, /bad\.npy is not a \.npy file/);
    });
});
