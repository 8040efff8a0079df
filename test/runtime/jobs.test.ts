// Runs from .tnet text on the CPU: the language brief's examples, statements that use earlier
// results, .npy inputs and outputs, refusals (errors in the file, bad inputs, an oversized plan)
// and cancellation.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { CancelledError, type Float } from '../../server/src/runtime/cpu';
import { JobError, benchJob, cpuBackend, runJob } from '../../server/src/runtime/jobs';
import { parseNpy, serializeNpy } from '../../server/src/runtime/npy';
import { PlanTooLargeError } from '../../server/src/runtime/webgpu/host';
import { convVjpWReference, convVjpXReference } from './networks';
import { scratch } from '../cli';

const { folder: directory, file } = scratch('tnet-runtime-');

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
    assert.equal(a.length, b.length);
    let worst = 0;
    for (let at = 0; at < a.length; at++) worst = Math.max(worst, Math.abs(a[at]! - b[at]!));
    return worst;
}

async function value(
    path: string,
    statement: string,
    extra: Record<string, string> = {},
): Promise<Float> {
    const out = join(directory, `${statement}-${Math.random().toString(36).slice(2)}.npy`);
    await runJob({ file: path, statement, backend: 'cpu', save: { [statement]: out, ...extra } });
    return parseNpy(readFileSync(out)).data;
}

const CONV2D = `size N = 8, C = 3, H = 32, W = 32, D = 16
tensor X[N, C, H, W]
tensor K[D, C, 3, 3]
pattern P = conv(in=H, kernel=3, stride=2, padding=1)
pattern Q = conv(in=W, kernel=3, stride=2, padding=1)
Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]
Z = conv(X, K, stride=2, padding=1)
`;

const UNFOLD = `size N = 2, C = 3
tensor X[N, C, 50, 40]
U = unfold(X, kernel=(3, 2), stride=2, padding=1, dilation=2)
F = kfc(X, kernel=(5, 3))
pattern P = conv(in=50, kernel=5)
pattern Q = conv(in=40, kernel=3)
F2[(c, i, j), (c2, i2, j2)] = (1 / N) * X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * X[n, c2, h2, w2] * P[h2, y, i2] * Q[w2, x, j2]
`;

const GRADIENTS = `size N = 4, C = 8, D = 16, H = 20
tensor X[N, C, H]
tensor W[D, C, 5]
pattern P = conv(in=H, kernel=5, padding="same")
Y[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]
tensor V[N, D, H]
GX = vjp(Y, X, V)
GW = vjp(Y, W, V)
`;

void describe('runs from .tnet text (cpu)', () => {
    void it('the written-out convolution equals the conv built-in', async () => {
        const path = file('conv2d.tnet', CONV2D);
        const report = await runJob({ file: path, statement: 'Y', backend: 'cpu' });
        assert.deepEqual(report.shape, [8, 16, 16, 16]);
        assert.equal(report.backend.name, 'cpu');
        const y = await value(path, 'Y');
        const z = await value(path, 'Z');
        assert.ok(maxDifference(y, z) < 1e-4);
        assert.ok(report.summary.norm > 0);
    });

    void it('unfold has the brief shape and kfc equals the written-out factor', async () => {
        const path = file('unfold.tnet', UNFOLD);
        const report = await runJob({ file: path, statement: 'U', backend: 'cpu' });
        assert.deepEqual(report.shape, [2, 18, 480]);
        const f = await value(path, 'F');
        const f2 = await value(path, 'F2');
        assert.equal(f.length, 45 * 45);
        assert.ok(maxDifference(f, f2) < 1e-3);
    });

    void it('the VJPs match their defining sums', async () => {
        const path = file('gradients.tnet', GRADIENTS);
        const x = join(directory, 'x.npy');
        const w = join(directory, 'w.npy');
        const v = join(directory, 'v.npy');
        const random = (length: number, shift: number): Float64Array =>
            Float64Array.from({ length }, (_, at) => Math.sin(at * 0.37 + shift));
        const xs = random(4 * 8 * 20, 1);
        const ws = random(16 * 8 * 5, 2);
        const vs = random(4 * 16 * 20, 3);
        writeFileSync(x, serializeNpy({ dtype: 'f64', shape: [4, 8, 20], data: xs }));
        writeFileSync(w, serializeNpy({ dtype: 'f64', shape: [16, 8, 5], data: ws }));
        writeFileSync(v, serializeNpy({ dtype: 'f64', shape: [4, 16, 20], data: vs }));
        const inputs = { X: x, W: w, V: v };
        const conv = { x: [4, 8, 20], w: [16, 8, 5], padding: [[2, 2]] as [number, number][] };
        for (const [name, expected] of [
            ['GX', convVjpXReference(conv, vs, ws)],
            ['GW', convVjpWReference(conv, vs, xs)],
        ] as const) {
            const out = join(directory, `${name}.npy`);
            const report = await runJob({
                file: path,
                statement: name,
                backend: 'cpu',
                inputs,
                save: { [name]: out },
            });
            assert.equal(report.inputs.X?.source ?? 'file', 'file');
            assert.ok(maxDifference(parseNpy(readFileSync(out)).data, expected) < 1e-4, name);
        }
    });

    void it('evaluates the statements a target uses first', async () => {
        const path = file(
            'chain.tnet',
            'tensor A[4, 5]\ntensor B[5, 3]\nM = einsum("ij,jk->ik", A, B)\nS[i] = M[i, k]\n',
        );
        const report = await runJob({ file: path, backend: 'cpu' });
        assert.deepEqual(
            report.evaluated.map((run) => run.name),
            ['M', 'S'],
        );
        assert.deepEqual(report.shape, [4]);
    });

    void it('repeats exactly for one seed and differs for another', async () => {
        const path = file('seed.tnet', 'tensor A[3, 3]\nB[i] = A[i, i]\n');
        const first = await runJob({ file: path, backend: 'cpu', seed: 5 });
        const again = await runJob({ file: path, backend: 'cpu', seed: 5 });
        const other = await runJob({ file: path, backend: 'cpu', seed: 6 });
        assert.deepEqual(first.summary, again.summary);
        assert.notDeepEqual(first.summary.first, other.summary.first);
    });

    void it('refuses a file with errors, naming them', async () => {
        const path = file('broken.tnet', 'tensor A[3, 4]\nB[i] = A[i, i]\n');
        await assert.rejects(runJob({ file: path, backend: 'cpu' }), (error: unknown) => {
            assert.ok(error instanceof JobError);
            assert.match(error.message, /error/);
            assert.equal(error.diagnostics[0]?.code, 'E004');
            return true;
        });
    });

    void it('refuses an unknown statement and lists the equations', async () => {
        const path = file('names.tnet', CONV2D);
        await assert.rejects(
            runJob({ file: path, statement: 'Q', backend: 'cpu' }),
            /'Q' is a pattern, not an equation.*equations: Y, Z/,
        );
        await assert.rejects(
            runJob({ file: path, statement: 'nope', backend: 'cpu' }),
            /'nope' is not defined/,
        );
    });

    void it('refuses an input whose shape differs from the declaration', async () => {
        const path = file('shape.tnet', 'tensor A[3, 4]\nB[i] = A[i, j]\n');
        const npy = join(directory, 'wrong.npy');
        writeFileSync(
            npy,
            serializeNpy({ dtype: 'f32', shape: [4, 3], data: new Float32Array(12) }),
        );
        await assert.rejects(
            runJob({ file: path, backend: 'cpu', inputs: { A: npy } }),
            /wrong\.npy holds an array of shape \[4, 3\], but A is declared \[3, 4\]/,
        );
        await assert.rejects(
            runJob({ file: path, backend: 'cpu', inputs: { Z: npy } }),
            /declares no tensor Z/,
        );
    });

    void it('refuses a plan over the memory budget with the figures, before running', async () => {
        const path = file(
            'large.tnet',
            'tensor A[1000, 1000]\ntensor B[1000, 1000]\nC = einsum("ij,jk->ik", A, B)\n',
        );
        await assert.rejects(
            runJob({ file: path, backend: 'cpu', budgetBytes: 1024 ** 2 }),
            (error: unknown) => {
                assert.ok(error instanceof PlanTooLargeError);
                assert.match(
                    error.message,
                    /needs 15\.3 MiB in 4 buffers, more than the memory budget of 1\.0 MiB/,
                );
                return true;
            },
        );
    });

    void it('stops when cancelled', async () => {
        const path = file('cancel.tnet', CONV2D);
        await assert.rejects(
            runJob({ file: path, backend: 'cpu' }, { cancelled: true }),
            CancelledError,
        );
        let polls = 0;
        const later = {
            get cancelled() {
                return ++polls > 2;
            },
        };
        await assert.rejects(
            benchJob({ file: path, backend: 'cpu', repeat: 50 }, later, undefined, cpuBackend()),
            CancelledError,
        );
    });

    void it('benchmarks the structured, dense-pattern and unfold plans side by side', async () => {
        const path = file('bench.tnet', CONV2D);
        const report = await benchJob({
            file: path,
            statement: 'Z',
            backend: 'cpu',
            warmup: 0,
            repeat: 1,
        });
        assert.deepEqual(
            report.plans.map((plan) => plan.plan),
            ['structured', 'dense-patterns', 'unfold'],
        );
        assert.equal(report.plans[0]!.ratio, 1);
        for (const plan of report.plans) {
            assert.ok(plan.totalMs > 0 && plan.steps.length > 0);
            assert.ok(plan.flops > 0);
        }
        assert.ok(
            report.plans[1]!.flops > report.plans[0]!.flops,
            'dense patterns cost more FLOPs',
        );
    });
});

void describe('grouped axes on the right side (cpu)', () => {
    void it('reads a grouped operand axis as its parts, row-major', async () => {
        const path = file(
            'grouped.tnet',
            'tensor A[6, 4] : f64\ntensor b[2] : f64\ntensor d[3] : f64\nB[c, i, j] = A[(c, i), j] * b[c] * d[i]\n',
        );
        const a = Float64Array.from({ length: 24 }, (_, at) => at + 1);
        const b = Float64Array.from([2, -1]);
        const d = Float64Array.from([1, 10, 100]);
        const inputs: Record<string, string> = {};
        for (const [name, data, shape] of [
            ['A', a, [6, 4]],
            ['b', b, [2]],
            ['d', d, [3]],
        ] as const) {
            inputs[name] = join(directory, `grouped-${name}.npy`);
            writeFileSync(inputs[name]!, serializeNpy({ dtype: 'f64', shape: [...shape], data }));
        }
        const out = join(directory, 'grouped-B.npy');
        await runJob({ file: path, backend: 'cpu', inputs, save: { B: out } });
        const result = parseNpy(readFileSync(out));
        assert.deepEqual(result.shape, [2, 3, 4]);
        const expected: number[] = [];
        for (let c = 0; c < 2; c++) {
            for (let i = 0; i < 3; i++) {
                for (let j = 0; j < 4; j++) expected.push(a[(c * 3 + i) * 4 + j]! * b[c]! * d[i]!);
            }
        }
        assert.deepEqual(Array.from(result.data), expected);
    });
});
