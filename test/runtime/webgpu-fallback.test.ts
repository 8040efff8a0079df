// `--backend auto` hands a plan WebGPU cannot take to the CPU and says why; `webgpu` refuses it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { runJob } from '../../server/src/runtime/jobs';
import { PlanTooLargeError } from '../../server/src/runtime/webgpu/host';

const directory = mkdtempSync(join(tmpdir(), 'tnet-fallback-'));
const letters = 'abcdefghijklmnopqrst'.split('');
const RANK = join(directory, 'rank.tnet');
writeFileSync(
    RANK,
    `tensor A[${letters.map(() => 2).join(', ')}]\n` +
        `B[${[...letters].reverse().join(', ')}] = A[${letters.join(', ')}]\n`,
);
const LONG = join(directory, 'long.tnet');
writeFileSync(LONG, 'tensor A[40000000]\nB[i] = 2 * A[i]\n');

void describe('auto backend fallback', () => {
    void it('runs a rank-20 transpose on the CPU with a note, and webgpu refuses it', async () => {
        const report = await runJob({ file: RANK, backend: 'auto' });
        assert.ok(
            report.backend.notes.some((note) =>
                /WebGPU cannot take B: .*at most 16.*CPU/.test(note),
            ),
            report.backend.notes.join('\n'),
        );
        assert.deepEqual(report.shape.length, 20);
        await assert.rejects(runJob({ file: RANK, backend: 'webgpu' }), PlanTooLargeError);
    });

    void it('runs a plan over the adapter buffer limit on the CPU with a note', async () => {
        const report = await runJob({ file: LONG, backend: 'auto' });
        assert.ok(
            report.backend.notes.some((note) =>
                /WebGPU cannot take B: .*ran it on the CPU/.test(note),
            ),
            report.backend.notes.join('\n'),
        );
        assert.equal(report.summary.first.length, 8);
    });
});
