// The WebGPU backend (Dawn, in its worker thread), in f32, against the references of the shared
// suite. Without an adapter every test fails with the reason.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { einsumNetwork } from '../../server/src/network/einsum';
import { CancelledError, runCpu } from '../../server/src/runtime/cpu';
import { runJob } from '../../server/src/runtime/jobs';
import { buildPlan } from '../../server/src/runtime/plan';
import { fillRandom } from '../../server/src/runtime/random';
import { PlanTooLargeError, WebGpuBackend } from '../../server/src/runtime/webgpu/host';
import { backendSuite } from './suite';

let gpu: WebGpuBackend | undefined;
let failure: Error | undefined;

before(async () => {
    try {
        gpu = await WebGpuBackend.open();
    } catch (error) {
        failure = error as Error;
    }
});

after(async () => {
    await gpu?.close();
});

backendSuite(
    'webgpu',
    () => async (plan, inputs) => {
        if (gpu === undefined) throw failure ?? new Error('the WebGPU backend did not open');
        return (await gpu.run(plan, inputs)).output;
    },
    'f32',
    2e-4,
);

void describe('webgpu: adapter, limits, element types', () => {
    const live = (): WebGpuBackend => {
        if (gpu === undefined) throw failure ?? new Error('the WebGPU backend did not open');
        return gpu;
    };

    void it('names its adapter and its limits', () => {
        const adapter = live().adapter;
        assert.ok(adapter.description.length > 0);
        assert.ok(adapter.limits.maxStorageBufferBindingSize > 0);
    });

    void it('refuses a plan whose buffer exceeds the adapter limit, before allocating', async () => {
        const limit = live().adapter.limits.maxStorageBufferBindingSize;
        const side = Math.ceil(Math.sqrt(limit / 4)) + 16;
        const plan = buildPlan(
            einsumNetwork(
                'ij,jk->ik',
                [
                    [side, side],
                    [side, side],
                ],
                { names: ['A', 'B'] },
            ),
        );
        await assert.rejects(
            live().run(plan, {}, { budgetBytes: 64 * 1024 ** 3 }),
            (error: unknown) => {
                assert.ok(error instanceof PlanTooLargeError);
                assert.match(
                    error.message,
                    /more than the adapter's (maxStorageBufferBindingSize|maxBufferSize)/,
                );
                assert.match(error.message, new RegExp(`${side * side} elements`));
                return true;
            },
        );
    });

    void it('computes f16 networks in f16 when the adapter has shader-f16', async () => {
        const network = einsumNetwork(
            'ij,jk->ik',
            [
                [33, 20],
                [20, 17],
            ],
            { names: ['A', 'B'], dtype: 'f16' },
        );
        const a = fillRandom(new Float32Array(33 * 20), 1, 'A');
        const b = fillRandom(new Float32Array(20 * 17), 1, 'B');
        const f32 = await runCpu(
            buildPlan({ ...network, output: { ...network.output, dtype: 'f32' } }),
            { A: a, B: b },
        );
        if (!live().adapter.f16) {
            await assert.rejects(
                live().run(buildPlan(network), { A: a, B: b }),
                /no 'shader-f16' feature/,
            );
            return;
        }
        const result = await live().run(buildPlan(network), { A: a, B: b });
        assert.equal(result.element, 'f16');
        let worst = 0;
        for (let at = 0; at < f32.output.length; at++)
            worst = Math.max(worst, Math.abs(result.output[at]! - f32.output[at]!));
        assert.ok(worst < 0.05, `f16 differs from f32 by ${worst}`);
        assert.ok(worst > 0, 'f16 rounding shows');
    });

    void it('computes f64 in f32 and says so', async () => {
        const network = einsumNetwork('ij->j', [[5, 4]], { names: ['A'], dtype: 'f64' });
        const result = await live().run(buildPlan(network), { A: new Float64Array(20).fill(0.5) });
        assert.ok(result.output instanceof Float64Array);
        assert.deepEqual(Array.from(result.output), [2.5, 2.5, 2.5, 2.5]);
        assert.match(result.notes.join(), /computed this f64 network in f32/);
    });

    void it('times each step by timestamp queries or queue completion, over repeats', async () => {
        const plan = buildPlan(
            einsumNetwork(
                'ij,jk->ik',
                [
                    [64, 64],
                    [64, 64],
                ],
                { names: ['A', 'B'] },
            ),
        );
        const inputs = { A: new Float32Array(4096).fill(1), B: new Float32Array(4096).fill(2) };
        const result = await live().run(plan, inputs, { warmup: 1, repeat: 3 });
        assert.equal(result.repeats.length, 3);
        assert.equal(result.steps.length, plan.steps.length);
        assert.ok(result.steps.every((step) => step.ms >= 0));
        assert.equal(result.output[0], 128);
        assert.equal(
            result.timing,
            live().adapter.timestamps ? 'timestamp-query' : 'queue-completion',
        );
    });
});

void describe('webgpu: a run from .tnet text, checked against the CPU', () => {
    void it('conv from the language brief', async () => {
        const directory = mkdtempSync(join(tmpdir(), 'tnet-webgpu-'));
        const file = join(directory, 'conv.tnet');
        writeFileSync(
            file,
            'size N = 2, C = 3, H = 12, W = 10, D = 4\ntensor X[N, C, H, W]\ntensor K[D, C, 3, 3]\n' +
                'Z = conv(X, K, stride=2, padding=1)\n',
        );
        const report = await runJob({ file, backend: 'webgpu', check: true });
        assert.equal(report.backend.name, 'webgpu');
        assert.ok(report.check!.maxAbsError < 1e-4, `error ${report.check!.maxAbsError}`);
    });
});

void describe('webgpu: errors in words', () => {
    void it('a kernel that does not compile is named with its line', async () => {
        const broken = await WebGpuBackend.open({ kernels: { gemm: 'fn main( {' } });
        try {
            const plan = buildPlan(
                einsumNetwork(
                    'ij,jk->ik',
                    [
                        [2, 2],
                        [2, 2],
                    ],
                    { names: ['A', 'B'] },
                ),
            );
            const inputs = { A: new Float32Array(4), B: new Float32Array(4) };
            await assert.rejects(
                broken.run(plan, inputs),
                /the WGSL kernel gemm \(f32\) does not compile: line 1: /,
            );
            // The device survives: a plan without a matrix product still runs.
            const sum = buildPlan(einsumNetwork('ij->i', [[2, 3]], { names: ['A'] }));
            const result = await broken.run(sum, { A: Float32Array.from([1, 2, 3, 4, 5, 6]) });
            assert.deepEqual(Array.from(result.output), [6, 15]);
        } finally {
            await broken.close();
        }
    });

    void it('a closed backend says so', async () => {
        const closing = await WebGpuBackend.open();
        await closing.close();
        const plan = buildPlan(einsumNetwork('i->i', [[2]], { names: ['A'] }));
        await assert.rejects(closing.run(plan, { A: new Float32Array(2) }), /closed/);
    });
});

void describe('webgpu: the brief examples from .tnet text, checked against the CPU in f64', () => {
    const examples: [string, string, string][] = [
        [
            'unfold',
            'size N = 2, C = 3\ntensor X[N, C, 50, 40]\nU = unfold(X, kernel=(3, 2), stride=2, padding=1, dilation=2)\n',
            'U',
        ],
        ['kfc', 'size N = 2, C = 3\ntensor X[N, C, 50, 40]\nF = kfc(X, kernel=(5, 3))\n', 'F'],
        [
            'kfac_reduce with groups',
            'tensor X[2, 4, 20]\nR = kfac_reduce(X, kernel=5, stride=3, groups=2)\n',
            'R',
        ],
        [
            'both VJPs',
            'size N = 4, C = 8, D = 16, H = 20\ntensor X[N, C, H]\ntensor W[D, C, 5]\n' +
                'pattern P = conv(in=H, kernel=5, padding="same")\n' +
                'Y[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]\ntensor V[N, D, H]\n' +
                'GX = vjp(Y, X, V)\nGW = vjp(Y, W, V)\nS[d] = GW[d, c, k] + GX[n, c, i]\n',
            'S',
        ],
        [
            'conv_transpose',
            'tensor X[5, 2, 9]\ntensor W[2, 3, 3]\n' +
                'Y = conv_transpose(X, W, stride=2, padding=1, output_padding=1, dilation=2)\n',
            'Y',
        ],
        [
            'a 3d convolution with groups',
            'tensor X[1, 6, 9, 8, 7]\ntensor W[6, 2, 3, 2, 3]\n' +
                'Y = conv(X, W, stride=(2, 3, 2), padding=(1, 0, 2), dilation=(2, 1, 1), groups=3)\n',
            'Y',
        ],
    ];
    for (const [name, text, statement] of examples) {
        void it(name, async () => {
            const directory = mkdtempSync(join(tmpdir(), 'tnet-webgpu-'));
            const file = join(directory, 'example.tnet');
            writeFileSync(file, text);
            const report = await runJob({ file, statement, backend: 'webgpu', check: true });
            const scale = Math.max(1, Math.abs(report.summary.max), Math.abs(report.summary.min));
            assert.equal(report.backend.name, 'webgpu');
            assert.ok(
                report.check!.maxAbsError < 1e-4 * scale,
                `error ${report.check!.maxAbsError}`,
            );
        });
    }
});

void describe('webgpu: cancellation', () => {
    void it('stops between repeats when cancelled, and the device keeps working', async () => {
        const backend = gpu;
        if (backend === undefined) throw failure ?? new Error('the WebGPU backend did not open');
        const plan = buildPlan(
            einsumNetwork(
                'ij,jk->ik',
                [
                    [256, 256],
                    [256, 256],
                ],
                { names: ['A', 'B'] },
            ),
        );
        const inputs = { A: new Float32Array(65536).fill(1), B: new Float32Array(65536).fill(1) };
        const token = { cancelled: false };
        const pending = backend.run(plan, inputs, { warmup: 0, repeat: 100000 }, token);
        setImmediate(() => (token.cancelled = true));
        await assert.rejects(pending, CancelledError);
        const result = await backend.run(plan, inputs);
        assert.equal(result.output[0], 256);
    });
});
