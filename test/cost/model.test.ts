// The cost model's own pieces: numpy's step formula, pattern non-zeros, the exhaustive search.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { seededRandom } from '../../server/src/cost/greedy';
import { contractionPath } from '../../server/src/cost/index';
import { countNonZeros, flopCount } from '../../server/src/cost/model';
import { INFINITE_COST, buildProblem, makeObjective } from '../../server/src/cost/problem';
import { exhaustive } from '../../server/src/cost/subsets';
import { einsumNetwork } from '../../server/src/network/einsum';
import { convOutputSize, patternNonZeros } from '../../server/src/network/ir';
import { randomEinsum } from './random-networks';

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

void describe('exhaustive search', () => {
    void it('finds the same optimum with index masks and with index lists', () => {
        for (let seed = 1; seed <= 30; seed++) {
            const { spec, shapes } = randomEinsum(3 + (seed % 7), seed, {
                maxSize: 6,
                privateChance: 0.2,
            });
            const net = einsumNetwork(spec, shapes);
            for (const objective of ['flops', 'size', 'structured-flops']) {
                const problem = buildProblem(
                    net.terms[0]!,
                    net.sizes,
                    makeObjective(objective),
                    Infinity,
                );
                const masks = exhaustive(problem, INFINITE_COST);
                const lists = exhaustive(problem, INFINITE_COST, { indexLists: true });
                assert.ok(masks.complete && lists.complete);
                assert.deepEqual(masks.result!.cost, lists.result!.cost, `${spec} ${objective}`);
            }
        }
    });

    void it('networks with more than 31 indices: optimal <= dp <= greedy', () => {
        for (let seed = 1; seed <= 6; seed++) {
            const { spec, shapes } = randomEinsum(9, seed, { regularity: 7, maxSize: 2 });
            const net = einsumNetwork(spec, shapes);
            assert.ok(Object.keys(net.sizes).length > 31, spec);
            const flops = (optimizer: string) =>
                contractionPath(net.terms[0]!, net.sizes, 'f32', {
                    optimizer,
                    timeBudgetMs: 20_000,
                }).flops;
            assert.ok(flops('optimal') <= flops('dp'), spec);
            assert.ok(flops('dp') <= flops('greedy'), spec);
        }
    });
});
