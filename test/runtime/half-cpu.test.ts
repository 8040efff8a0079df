// The CPU backend keeps f16 values in half precision (inputs, intermediates, results), as WebGPU does.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { decodeHalf, encodeHalf, roundToHalf } from '../../server/src/runtime/half';
import { runJob } from '../../server/src/runtime/jobs';

const directory = mkdtempSync(join(tmpdir(), 'tnet-half-'));

function isHalf(values: number[]): boolean {
    const again = decodeHalf(encodeHalf(values));
    return values.every((value, at) => again[at] === value);
}

void describe('f16 on the CPU', () => {
    void it('rounds to the nearest half, ties to even', () => {
        const values = Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 0.1, 65504, 1e-8]);
        roundToHalf(values);
        assert.deepEqual(Array.from(values), [1, 1 + 2 ** -9, 0.0999755859375, 65504, 0]);
    });

    void it('stores results in half precision, so --check sees f16 rounding', async () => {
        const file = join(directory, 'half.tnet');
        writeFileSync(
            file,
            'tensor A[2, 3] : f16\ntensor C[3] : f16\nB[i, j] = 3 * A[i, j]\nZ[i] = B[i, j] * C[j]\n',
        );
        const report = await runJob({ file, backend: 'cpu', check: true });
        assert.equal(report.dtype, 'f16');
        assert.ok(isHalf(report.summary.first), report.summary.first.join(', '));
        // Half precision has an 11-bit significand: errors of about 1e-4 on values near 1.
        assert.ok(report.check!.maxAbsError > 1e-5, String(report.check!.maxAbsError));
        assert.ok(report.check!.maxAbsError < 1e-2, String(report.check!.maxAbsError));
    });
});
