// The cost model's own pieces: numpy's step formula and the pattern non-zero count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '../../server/src/cost/greedy';
import { countNonZeros, flopCount } from '../../server/src/cost/model';
import { convOutputSize, patternNonZeros } from '../../server/src/network/ir';

void describe('cost model', () => {
    void it("counts a step as numpy's _flop_count does", () => {
        // numpy's own doctests: 'abc' of sizes 2, 3, 5.
        assert.equal(flopCount(30, 1, false), 30);
        assert.equal(flopCount(30, 2, true), 60);
        assert.equal(flopCount(30, 3, true), 90);
    });

    void it('counts pattern non-zeros in closed form, as the definition does', () => {
        const random = seededRandom(5);
        const pick = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
        let checked = 0;
        while (checked < 300) {
            const input = pick(1, 40);
            const kernel = pick(1, 7);
            const stride = pick(1, 4);
            const dilation = pick(1, 3);
            const padLeft = pick(0, 4);
            const padRight = pick(0, 4);
            const output = convOutputSize(input, kernel, stride, dilation, padLeft, padRight);
            if (output < 1) continue;
            const spec = { input, output, kernel, stride, dilation, padLeft, padRight };
            assert.equal(countNonZeros(spec), patternNonZeros(spec), JSON.stringify(spec));
            checked++;
        }
    });
});
