// Path optimizers: expected costs by expression and optimizer, validity on data, random networks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
    OPTIMIZERS,
    contractionPath,
    networkCost,
    replayPath,
    reportCost,
} from '../../server/src/cost/index';
import { einsumNetwork } from '../../server/src/network/einsum';
import {
    type Network,
    type Operand,
    type Term,
    patternNonZeros,
} from '../../server/src/network/ir';
import { assertClose, contractDense, randomData } from '../network/dense';
import { randomEinsum } from './random-networks';

const SEARCHES = ['greedy', 'random-greedy', 'dp', 'optimal', 'auto'];
/** Generous budgets so that results do not depend on the machine's speed. */
const BUDGET = 20_000;

function network(spec: string, shapes: number[][]): Network {
    return einsumNetwork(spec, shapes);
}

function path(net: Network, optimizer: string, objective = 'flops') {
    return contractionPath(net.terms[0]!, net.sizes, 'f32', {
        optimizer,
        objective,
        timeBudgetMs: BUDGET,
    });
}

/** Contracts the term along the report's steps and compares with one dense contraction. */
function checkOnData(term: Term, sizes: Record<string, number>, optimizer: string, seed: number) {
    const report = contractionPath(term, sizes, 'f64', { optimizer, timeBudgetMs: BUDGET });
    const inputs = term.operands.map((operand, k) => ({
        indices: operand.indices,
        data: randomData(
            operand.indices.reduce((product, index) => product * sizes[index]!, 1),
            seed + k,
        ),
    }));
    const current = [...inputs];
    report.path.forEach((positions, number) => {
        const taken = [...positions]
            .sort((a, b) => b - a)
            .map((position) => current.splice(position, 1)[0]!);
        current.push(contractDense(taken, report.steps[number]!.indices, sizes));
    });
    assert.equal(current.length, 1);
    assert.deepEqual(current[0]!.indices, term.output);
    const expected = contractDense(inputs, term.output, sizes);
    assertClose(current[0]!.data, expected.data, `${optimizer} on seed ${seed}`);
    return report;
}

void describe('expected costs', () => {
    const table: [string, number[][], string, number][] = [
        // Contracting the first and third operands first: 64*8*4096 + 2*64*8*4096*128.
        [
            'bgk,bkd,bk->bgd',
            [
                [64, 8, 4096],
                [64, 4096, 128],
                [64, 4096],
            ],
            'optimal',
            538968064,
        ],
        [
            'bgk,bkd,bk->bgd',
            [
                [64, 8, 4096],
                [64, 4096, 128],
                [64, 4096],
            ],
            'dp',
            538968064,
        ],
        [
            'bgk,bkd,bk->bgd',
            [
                [64, 8, 4096],
                [64, 4096, 128],
                [64, 4096],
            ],
            'greedy',
            538968064,
        ],
        // A matrix chain: (AB)C.
        [
            'ij,jk,kl->il',
            [
                [64, 512],
                [512, 8],
                [8, 512],
            ],
            'optimal',
            2 * 64 * 512 * 8 + 2 * 64 * 8 * 512,
        ],
        [
            'ij,jk,kl->il',
            [
                [64, 512],
                [512, 8],
                [8, 512],
            ],
            'greedy',
            2 * 64 * 512 * 8 + 2 * 64 * 8 * 512,
        ],
        // One operand summed on its own, then the other summed times that scalar.
        [
            'ij,kl->',
            [
                [512, 512],
                [512, 512],
            ],
            'optimal',
            4 * 512 * 512,
        ],
        [
            'ij,kl->',
            [
                [512, 512],
                [512, 512],
            ],
            'greedy',
            4 * 512 * 512,
        ],
        [
            'ij,kl->',
            [
                [512, 512],
                [512, 512],
            ],
            'auto',
            4 * 512 * 512,
        ],
        // A single operand: one step.
        ['ij->ji', [[3, 4]], 'auto', 12],
        ['ii->', [[5, 5]], 'optimal', 10],
        // A plain matrix product.
        [
            'ij,jk->ik',
            [
                [10, 20],
                [20, 30],
            ],
            'dp',
            2 * 10 * 20 * 30,
        ],
    ];
    for (const [spec, shapes, optimizer, flops] of table) {
        void it(`${spec} with ${optimizer} costs ${flops}`, () => {
            assert.equal(path(network(spec, shapes), optimizer).flops, flops);
        });
    }

    void it('case 1: the optimal path has a 2.1e6-element largest intermediate', () => {
        const net = network('bgk,bkd,bk->bgd', [
            [64, 8, 4096],
            [64, 4096, 128],
            [64, 4096],
        ]);
        const report = path(net, 'optimal');
        assert.deepEqual(report.path, [
            [0, 2],
            [0, 1],
        ]);
        assert.equal(report.largestIntermediate, 64 * 8 * 4096);
    });

    void it('sums an index only one operand carries inside it: ij,kl-> is no outer product', () => {
        const report = path(
            network('ij,kl->', [
                [512, 512],
                [512, 512],
            ]),
            'greedy',
        );
        assert.ok(report.flops < 5 * 512 * 512, `${report.flops}`);
        assert.ok(report.largestIntermediate <= 1);
    });

    void it('does not pre-sum when that costs more: ij,i-> is one step', () => {
        const report = path(network('ij,i->', [[50, 40], [50]]), 'optimal');
        assert.deepEqual(report.path, [[0, 1]]);
        assert.equal(report.flops, 2 * 50 * 40);
    });

    void it('the size objective trades FLOPs for a smaller intermediate', () => {
        // Outer product first is cheap in FLOPs but builds a large intermediate.
        const net = network('ab,cd,bd->ac', [
            [2, 100],
            [2, 100],
            [100, 100],
        ]);
        const byFlops = path(net, 'optimal', 'flops');
        const bySize = path(net, 'optimal', 'size');
        assert.ok(bySize.largestIntermediate <= byFlops.largestIntermediate);
        assert.ok(byFlops.flops <= bySize.flops);
    });

    void it('peak memory counts inputs, live intermediates and the result', () => {
        const net = network('ij,jk,kl->il', [
            [2, 3],
            [3, 4],
            [4, 5],
        ]);
        const report = replayPath(net.terms[0]!, net.sizes, 'f32', [
            [0, 1],
            [0, 1],
        ]);
        const inputs = (6 + 12 + 20) * 4;
        // Step 1 makes ik (8 elements) while all inputs live; step 2 makes il (10) beside ik.
        assert.equal(report.peakMemoryBytes, inputs + 8 * 4 + 10 * 4);
        assert.deepEqual(
            report.steps.map((step) => step.bytes),
            [32, 40],
        );
    });

    void it('names the valid optimizers and objectives for an unknown one', () => {
        const net = network('ij,jk->ik', [
            [2, 2],
            [2, 2],
        ]);
        assert.throws(
            () => contractionPath(net.terms[0]!, net.sizes, 'f32', { optimizer: 'best' }),
            /unknown optimizer 'best'; valid optimizers: greedy, random-greedy, dp, optimal, auto/,
        );
        assert.throws(
            () => contractionPath(net.terms[0]!, net.sizes, 'f32', { objective: 'speed' }),
            /unknown objective 'speed'; valid objectives: flops, structured-flops, size, combo/,
        );
        assert.deepEqual(OPTIMIZERS, SEARCHES);
    });

    void it('rejects a path that does not fit, saying which step', () => {
        const net = network('ij,jk,kl->il', [
            [2, 3],
            [3, 4],
            [4, 5],
        ]);
        assert.throws(
            () => replayPath(net.terms[0]!, net.sizes, 'f32', [[0, 3]]),
            /path step 1 names operand 3, but only 3 operands are left/,
        );
        assert.throws(
            () => replayPath(net.terms[0]!, net.sizes, 'f32', [[0, 1]]),
            /leaves 2 operands/,
        );
    });
});

void describe('bounded searches', () => {
    void it('case 2 returns a valid path within a small budget with every optimizer', () => {
        const spec = 'a,c,d,db,ab,cb,ac,cd,ad,b->dbc';
        const shapes = spec
            .split('->')[0]!
            .split(',')
            .map((operand) => [...operand].map(() => 2));
        const net = network(spec, shapes);
        const greedy = path(net, 'greedy');
        for (const optimizer of SEARCHES) {
            const report = contractionPath(net.terms[0]!, net.sizes, 'f32', {
                optimizer,
                timeBudgetMs: 1,
            });
            assert.equal(report.path.length, 9, optimizer);
            assert.ok(report.flops <= greedy.flops, optimizer);
            checkOnData(net.terms[0]!, net.sizes, optimizer, 7);
        }
    });

    void it('a 40-tensor network gets a path from every optimizer within a small budget', () => {
        const { spec, shapes } = randomEinsum(40, 3);
        const net = network(spec, shapes);
        for (const optimizer of SEARCHES) {
            const report = contractionPath(net.terms[0]!, net.sizes, 'f32', {
                optimizer,
                timeBudgetMs: 5,
            });
            assert.equal(report.path.length, 39, optimizer);
        }
    });
});

void describe('large networks', () => {
    void it('a chain of 400 matrices gets a valid path from every optimizer in a small budget', () => {
        const n = 400;
        const index = (k: number): string => `i${k}`;
        const operands: Operand[] = Array.from({ length: n }, (_, k) => ({
            name: `M${k}`,
            source: { kind: 'tensor', tensor: `M${k}` },
            axes: [[index(k)], [index(k + 1)]],
            indices: [index(k), index(k + 1)],
            dtype: 'f32',
        }));
        const sizes = Object.fromEntries(
            Array.from({ length: n + 1 }, (_, k) => [index(k), 2 + (k % 5)]),
        );
        const term: Term = { scale: 1, operands, output: [index(0), index(n)] };
        for (const optimizer of SEARCHES) {
            const report = contractionPath(term, sizes, 'f32', { optimizer, timeBudgetMs: 1 });
            assert.equal(report.path.length, n - 1, optimizer);
            assert.deepEqual(report.steps[n - 2]!.shape, [sizes.i0, sizes.i400]);
        }
    });
});

void describe('seeded random networks', () => {
    for (let seed = 1; seed <= 24; seed++) {
        const n = 4 + (seed % 9);
        void it(`seed ${seed}, ${n} tensors: optimal <= dp <= greedy, random-greedy <= greedy`, () => {
            const { spec, shapes } = randomEinsum(n, seed, {
                maxSize: 6,
                privateChance: 0.15,
            });
            const net = network(spec, shapes);
            const cost = Object.fromEntries(
                SEARCHES.map((optimizer) => [optimizer, path(net, optimizer).flops]),
            );
            assert.ok(cost.optimal! <= cost.dp!, `${spec}: ${JSON.stringify(cost)}`);
            assert.ok(cost.dp! <= cost.greedy!, `${spec}: ${JSON.stringify(cost)}`);
            assert.ok(cost['random-greedy']! <= cost.greedy!, `${spec}: ${JSON.stringify(cost)}`);
            for (const objective of ['size', 'combo', 'structured-flops']) {
                const best = reportCost(path(net, 'optimal', objective), objective);
                for (const other of ['greedy', 'dp']) {
                    const theirs = reportCost(path(net, other, objective), objective);
                    assert.ok(best.primary <= theirs.primary, `${objective} vs ${other}: ${spec}`);
                }
            }
        });
    }

    for (let seed = 101; seed <= 112; seed++) {
        const n = 4 + (seed % 5);
        void it(`seed ${seed}, ${n} tensors: every optimizer's path gives the dense result`, () => {
            const { spec, shapes } = randomEinsum(n, seed, {
                maxSize: 3,
                regularity: 2.2,
                privateChance: 0.2,
            });
            const net = network(spec, shapes);
            for (const optimizer of SEARCHES)
                checkOnData(net.terms[0]!, net.sizes, optimizer, seed);
        });
    }
});

void describe('structured FLOPs', () => {
    // Y[n, d, o] = X[n, c, i] P[i, o, k] W[d, c, k] with a stride-2, padding-1 pattern.
    const spec = {
        input: 16,
        output: 8,
        kernel: 3,
        stride: 2,
        dilation: 1,
        padLeft: 1,
        padRight: 1,
    };
    const net = einsumNetwork('nci,iok,dck->ndo', [
        [4, 3, 16],
        [16, 8, 3],
        [5, 3, 3],
    ]);
    const term = net.terms[0]!;
    term.operands[1] = { ...term.operands[1]!, source: { kind: 'pattern', pattern: spec } };

    void it('a step with a pattern counts its non-zeros; a dense step counts as dense', () => {
        const report = replayPath(term, net.sizes, 'f32', [
            [0, 1],
            [0, 1],
        ]);
        const density = patternNonZeros(spec) / (16 * 8 * 3);
        assert.equal(patternNonZeros(spec), 8 * 3 - 1);
        assert.equal(report.steps[0]!.structuredFlops, report.steps[0]!.flops * density);
        assert.equal(report.steps[1]!.structuredFlops, report.steps[1]!.flops);
        assert.equal(
            report.structuredFlops,
            report.steps[0]!.structuredFlops + report.steps[1]!.flops,
        );
    });

    void it('the pattern takes no memory; the structured objective minimises structured FLOPs', () => {
        const report = replayPath(term, net.sizes, 'f32', [
            [0, 1],
            [0, 1],
        ]);
        const inputs = (4 * 3 * 16 + 5 * 3 * 3) * 4;
        assert.equal(
            report.peakMemoryBytes,
            inputs + report.steps[0]!.bytes + report.steps[1]!.bytes,
        );
        const byStructure = contractionPath(term, net.sizes, 'f32', {
            optimizer: 'optimal',
            objective: 'structured-flops',
        });
        for (const path of [
            [
                [0, 1],
                [0, 1],
            ],
            [
                [0, 2],
                [0, 1],
            ],
            [
                [1, 2],
                [0, 1],
            ],
        ]) {
            const other = replayPath(term, net.sizes, 'f32', path);
            assert.ok(byStructure.structuredFlops <= other.structuredFlops, JSON.stringify(path));
        }
    });
});

void describe('network totals', () => {
    void it('adds the terms of a two-term network', () => {
        const net = network('ij,jk->ik', [
            [4, 5],
            [5, 6],
        ]);
        const second: Term = { ...net.terms[0]!, scale: -1 };
        const twoTerms: Network = { ...net, terms: [net.terms[0]!, second] };
        const cost = networkCost(twoTerms, { timeBudgetMs: BUDGET });
        assert.equal(cost.terms.length, 2);
        assert.equal(cost.flops, 2 * 2 * 4 * 5 * 6);
        assert.equal(cost.peakMemoryBytes, cost.terms[0]!.peakMemoryBytes + 4 * 6 * 4);
    });
});

void describe('a search that cannot finish', () => {
    // A ring of 30 tensors of 3×3×3 with crossing chords: too many operands for the exhaustive
    // search, and plain greedy is an order of magnitude off the best random-greedy trial.
    const spec =
        'abd,bck,cdr,dey,efa,fgh,gho,hiv,ijC,jke,kll,lms,mnz,nob,opi,pqp,qrw,rsD,stf,tum,uvt,' +
        'vwA,wxc,xyj,yzq,zAx,ABE,BCg,CDn,DEu->aE';
    const net = network(
        spec,
        spec
            .split('->')[0]!
            .split(',')
            .map(() => [3, 3, 3]),
    );
    const run = (optimizer: string, timeBudgetMs: number) =>
        contractionPath(net.terms[0]!, net.sizes, 'f32', {
            optimizer,
            timeBudgetMs,
            repeats: 16,
        });

    void it('says so, and returns the best of the cheaper searches, random-greedy among them', () => {
        const greedy = run('greedy', BUDGET);
        const random = run('random-greedy', BUDGET);
        assert.equal(greedy.complete, true);
        assert.ok(random.flops < greedy.flops);
        const optimal = run('optimal', 3000);
        assert.equal(optimal.complete, false);
        assert.match(optimal.incomplete!, /30 operands are more than the exhaustive search takes/);
        assert.ok(optimal.flops <= random.flops);
        const dp = run('dp', 1);
        assert.equal(dp.complete, false);
        assert.match(dp.incomplete!, /ran out of its time budget of 1 ms/);
        assert.ok(dp.flops <= greedy.flops);
    });
});
