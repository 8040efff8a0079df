// The runner's results page: the backend and adapter named, one row and one bar per step, labels
// escaped, and no script.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { benchHtml, runHtml } from '../../client/src/runner/html';
import type { BenchReport, RunReport } from '../../server/src/runtime/protocol';

const steps = [
    {
        label: 'gather Π_1 → [n,<c>]',
        kind: 'gather' as const,
        ms: 2,
        flops: 0,
        bytes: 2048,
        gflops: 0,
    },
    { label: 'matmul', kind: 'gemm' as const, ms: 4, flops: 8e6, bytes: 4096, gflops: 2 },
];
const backend = {
    name: 'webgpu' as const,
    adapter: 'llvmpipe',
    timing: 'timestamp-query' as const,
    notes: ['a note'],
};

void describe('results page', () => {
    void it('shows a run with its steps as rows and bars', () => {
        const report: RunReport = {
            file: 'a.tnet',
            statement: 'Y',
            backend,
            shape: [2, 3],
            dtype: 'f32',
            evaluated: [{ name: 'Y', shape: [2, 3], dtype: 'f32', ms: 6, steps }],
            inputs: {},
            summary: { min: -1, max: 1, mean: 0, norm: 2, first: [] },
            saved: {},
            totalMs: 7,
        };
        const html = runHtml(report, 'abc');
        assert.match(
            html,
            /Backend <b>webgpu<\/b>, adapter <b>llvmpipe<\/b>; timed by timestamp-query/,
        );
        assert.match(html, /a note/);
        assert.match(html, /gather Π_1 → \[n,&#60;c&#62;\]/);
        assert.equal(html.match(/<td class="bar">/g)?.length, 2);
        assert.match(html, /width: 100\.0%/);
        assert.match(html, /width: 50\.0%/);
        assert.doesNotMatch(html, /<script/);
        assert.match(html, /style-src 'nonce-abc'/);
    });

    void it('shows a benchmark with its plans and ratios', () => {
        const plan = { flops: 8e6, bytes: 6144, memoryBytes: 1024, gflops: 1.3, steps };
        const report: BenchReport = {
            file: 'a.tnet',
            statement: 'Y',
            backend,
            shape: [2, 3],
            dtype: 'f32',
            warmup: 2,
            repeat: 10,
            plans: [
                { plan: 'structured', totalMs: 6, ratio: 1, ...plan },
                { plan: 'dense-patterns', totalMs: 12, ratio: 2, ...plan },
                { plan: 'unfold', totalMs: 0, ratio: 0, skipped: 'too large: 5 GiB', ...plan },
            ],
        };
        const html = benchHtml(report, 'n');
        assert.match(html, /2\.00×/);
        assert.match(html, /skipped/);
        assert.match(html, /unfold: too large: 5 GiB/);
        assert.match(html, /Median of 10 runs after 2 warm-up runs/);
    });
});
