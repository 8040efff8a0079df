// FLOPs and sizes checked against numpy.einsum_path itself (Debian's numpy, /usr/bin/python3).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

import { OPTIMIZERS, contractionPath, naiveCost, replayPath } from '../../server/src/cost/index';
import { einsumNetwork } from '../../server/src/network/einsum';
import { randomEinsum } from './random-networks';

interface NumpyPath {
    path?: number[][];
    steps?: number[];
    sizes?: number[];
    timedOut?: boolean;
}

interface Answer {
    naive: number;
    given: Record<string, { steps: number[]; sizes: number[] }>;
    numpy: Record<string, NumpyPath>;
}

const cases: { spec: string; shapes: number[][] }[] = [
    {
        spec: 'bgk,bkd,bk->bgd',
        shapes: [
            [64, 8, 4096],
            [64, 4096, 128],
            [64, 4096],
        ],
    },
    {
        spec: 'ij,kl->',
        shapes: [
            [512, 512],
            [512, 512],
        ],
    },
    {
        spec: 'ij,jk,kl->il',
        shapes: [
            [64, 512],
            [512, 8],
            [8, 512],
        ],
    },
    { spec: 'ii->i', shapes: [[4, 4]] },
    {
        spec: 'ij,ij->ij',
        shapes: [
            [3, 4],
            [3, 4],
        ],
    },
    { spec: 'ijk,jkl,lm,m->i', shapes: [[2, 3, 4], [3, 4, 5], [5, 6], [6]] },
    {
        spec: 'nchw,hyi,wxj,dcij->ndyx',
        shapes: [
            [8, 3, 32, 32],
            [32, 16, 3],
            [32, 16, 3],
            [16, 3, 3, 3],
        ],
    },
];
for (let seed = 1; seed <= 40; seed++) {
    cases.push(randomEinsum(3 + (seed % 10), seed, { maxSize: 7, privateChance: 0.2 }));
}

function askNumpy(): Answer[] {
    const request = {
        cases: cases.map(({ spec, shapes }) => {
            const net = einsumNetwork(spec, shapes);
            const paths = Object.fromEntries(
                OPTIMIZERS.map((optimizer) => [
                    optimizer,
                    contractionPath(net.terms[0]!, net.sizes, 'f32', {
                        optimizer,
                        timeBudgetMs: 20_000,
                    }).path,
                ]),
            );
            const optimizers = shapes.length <= 7 ? ['greedy', 'optimal'] : ['greedy'];
            return { spec, shapes, paths, optimizers, timeLimit: 20 };
        }),
    };
    const result = spawnSync('/usr/bin/python3', ['bench/paths_numpy.py'], {
        input: JSON.stringify(request),
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(result.status, 0, `numpy helper failed: ${result.stderr || result.error}`);
    return (JSON.parse(result.stdout) as { answers: Answer[] }).answers;
}

void describe('numpy.einsum_path agrees', () => {
    const answers = askNumpy();
    cases.forEach(({ spec, shapes }, k) => {
        const answer = answers[k]!;
        const net = einsumNetwork(spec, shapes);
        const term = net.terms[0]!;

        void it(`${spec}: naive cost and every optimizer's steps as numpy counts them`, () => {
            assert.equal(naiveCost(term, net.sizes).flops, answer.naive);
            for (const optimizer of OPTIMIZERS) {
                const report = contractionPath(term, net.sizes, 'f32', {
                    optimizer,
                    timeBudgetMs: 20_000,
                });
                const theirs = answer.given[optimizer]!;
                assert.deepEqual(
                    report.steps.map((step) => step.flops),
                    theirs.steps,
                    optimizer,
                );
                assert.deepEqual(
                    report.steps.map((step) => step.shape.reduce((a, b) => a * b, 1)),
                    theirs.sizes,
                    optimizer,
                );
            }
        });

        void it(`${spec}: numpy's own paths replay here at numpy's cost, and optimal is no worse`, () => {
            const ours = contractionPath(term, net.sizes, 'f32', {
                optimizer: 'optimal',
                timeBudgetMs: 20_000,
            });
            for (const [name, theirs] of Object.entries(answer.numpy)) {
                assert.ok(!theirs.timedOut, `numpy ${name} timed out`);
                const replayed = replayPath(term, net.sizes, 'f32', theirs.path!);
                assert.deepEqual(
                    replayed.steps.map((step) => step.flops),
                    theirs.steps,
                    name,
                );
                assert.ok(ours.flops <= replayed.flops, `optimal ${ours.flops} > numpy ${name}`);
            }
        });
    });
});
