// The backend-independent test suite: every built-in's network in 1d, 2d and 3d with padding,
// stride, dilation and groups, and einsum forms with diagonals, scale factors, grouped axes and
// several terms, each against a reference written from its definition. Each backend's test file
// runs it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { einsumNetwork } from '../../server/src/network/einsum';
import type { DType, Network } from '../../server/src/network/ir';
import type { Float } from '../../server/src/runtime/cpu';
import { type Plan, buildPlan } from '../../server/src/runtime/plan';
import { fillRandom } from '../../server/src/runtime/random';
import {
    type ConvCase,
    convNetwork,
    convReference,
    convVjpWNetwork,
    convVjpWReference,
    convVjpXNetwork,
    convVjpXReference,
    geometry,
    kfcNetwork,
    kfcReference,
    naiveNetwork,
    unfoldNetwork,
    unfoldReference,
} from './networks';

export type Runner = (plan: Plan, inputs: Record<string, Float>) => Promise<Float>;

function random(shape: number[], name: string): Float64Array {
    return fillRandom(new Float64Array(shape.reduce((a, b) => a * b, 1)), 7, name) as Float64Array;
}

function assertClose(
    actual: ArrayLike<number>,
    expected: ArrayLike<number>,
    what: string,
    tolerance: number,
): void {
    assert.equal(actual.length, expected.length, `${what}: length`);
    let worst = 0;
    let where = -1;
    for (let at = 0; at < expected.length; at++) {
        const error = Math.abs(actual[at]! - expected[at]!) / (1 + Math.abs(expected[at]!));
        if (error > worst) {
            worst = error;
            where = at;
        }
    }
    assert.ok(
        worst < tolerance,
        `${what}: element ${where} is ${actual[where]}, expected ${expected[where]}`,
    );
}

const cases: [string, ConvCase][] = [
    ['1d, stride 3, groups 2', { x: [2, 4, 50], w: [6, 2, 5], stride: [3], groups: 2 }],
    ['1d, dilation 2', { x: [2, 3, 50], w: [4, 3, 5], dilation: [2] }],
    ['1d, same padding with an even kernel', { x: [2, 3, 20], w: [4, 3, 4], padding: [[1, 2]] }],
    ['1d, stride larger than the kernel', { x: [2, 3, 9], w: [4, 3, 2], stride: [3] }],
    [
        '2d, padding, stride and dilation per axis',
        {
            x: [2, 3, 17, 14],
            w: [4, 3, 5, 3],
            padding: [
                [2, 2],
                [1, 1],
            ],
            stride: [3, 2],
            dilation: [1, 2],
        },
    ],
    [
        '3d, groups 3',
        {
            x: [1, 6, 9, 8, 7],
            w: [6, 2, 3, 2, 3],
            padding: [
                [1, 1],
                [0, 0],
                [2, 2],
            ],
            stride: [2, 3, 2],
            dilation: [2, 1, 1],
            groups: 3,
        },
    ],
    ['2d, kernel as large as the input', { x: [1, 4, 7, 7], w: [8, 4, 7, 7] }],
];

/** Registers the suite for one backend; results must match the references within `tolerance`. */
export function backendSuite(
    backend: string,
    runner: () => Runner,
    dtype: DType,
    tolerance: number,
): void {
    const run = async (
        network: Network,
        inputs: Record<string, Float64Array>,
        dense = false,
    ): Promise<Float> => {
        const typed: Network = { ...network, output: { ...network.output, dtype } };
        const plan = buildPlan(typed, { densePatterns: dense });
        const values = Object.fromEntries(
            Object.entries(inputs).map(([name, data]) => [
                name,
                dtype === 'f64' ? data : Float32Array.from(data),
            ]),
        );
        return runner()(plan, values);
    };
    const check = (actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void =>
        assertClose(actual, expected, `${backend}: ${what}`, tolerance);

    void describe(`${backend}: convolutions and their VJPs`, () => {
        for (const [name, c] of cases) {
            const g = geometry(c);
            const yShape = [g.n, c.w[0]!, ...g.output];
            void it(`conv ${name}`, async () => {
                const x = random(c.x, 'X');
                const w = random(c.w, 'W');
                const expected = convReference(c, x, w);
                check(await run(convNetwork(c), { X: x, W: w }), expected, 'structured');
                check(await run(convNetwork(c), { X: x, W: w }, true), expected, 'dense patterns');
            });
            void it(`vjp with respect to the input, ${name}`, async () => {
                const v = random(yShape, 'V');
                const w = random(c.w, 'W');
                const expected = convVjpXReference(c, v, w);
                check(await run(convVjpXNetwork(c), { V: v, W: w }), expected, 'structured');
            });
            void it(`vjp with respect to the weight, ${name}`, async () => {
                const v = random(yShape, 'V');
                const x = random(c.x, 'X');
                const expected = convVjpWReference(c, v, x);
                check(await run(convVjpWNetwork(c), { V: v, X: x }), expected, 'structured');
            });
        }
    });

    void describe(`${backend}: unfold, KFC and KFAC-reduce`, () => {
        const unfolds: [string, ConvCase][] = [
            [
                '2d as in the language brief',
                {
                    x: [2, 3, 12, 10],
                    w: [1, 3, 3, 2],
                    stride: [2, 2],
                    padding: [
                        [1, 1],
                        [1, 1],
                    ],
                    dilation: [2, 2],
                },
            ],
            ['1d', { x: [2, 2, 11], w: [1, 2, 4], padding: [[6, 6]] }],
            ['3d', { x: [1, 2, 5, 4, 6], w: [1, 2, 2, 3, 2], stride: [1, 2, 3] }],
        ];
        for (const [name, c] of unfolds) {
            void it(`unfold ${name}`, async () => {
                const x = random(c.x, 'X');
                const channels = Array.from({ length: c.x[1]! }, (_, i) => i);
                check(
                    await run(unfoldNetwork(c), { X: x }),
                    unfoldReference(c, x, channels),
                    'unfold',
                );
            });
        }
        const factors: [string, ConvCase][] = [
            ['1d, stride 3, groups 2', { x: [2, 4, 20], w: [1, 2, 5], stride: [3], groups: 2 }],
            ['2d', { x: [2, 3, 9, 8], w: [1, 3, 3, 2] }],
            [
                '2d with padding and dilation',
                {
                    x: [2, 2, 7, 6],
                    w: [1, 2, 2, 2],
                    padding: [
                        [1, 1],
                        [1, 1],
                    ],
                    dilation: [2, 1],
                },
            ],
        ];
        for (const [name, c] of factors) {
            void it(`kfc ${name}`, async () => {
                const x = random(c.x, 'X');
                check(await run(kfcNetwork(c, false), { X: x }), kfcReference(c, x, false), 'kfc');
            });
            void it(`kfac-reduce ${name}`, async () => {
                const x = random(c.x, 'X');
                check(
                    await run(kfcNetwork(c, true), { X: x }),
                    kfcReference(c, x, true),
                    'kfac-reduce',
                );
            });
        }
    });

    void describe(`${backend}: einsum forms`, () => {
        const einsums: [string, number[][]][] = [
            [
                'ij,jk->ik',
                [
                    [5, 7],
                    [7, 3],
                ],
            ],
            [
                'ij,jk,kl->il',
                [
                    [6, 9],
                    [9, 2],
                    [2, 9],
                ],
            ],
            [
                'bij,bjk->bik',
                [
                    [3, 4, 5],
                    [3, 5, 2],
                ],
            ],
            ['ii->i', [[4, 4]]],
            ['ii->', [[4, 4]]],
            [
                'iij,jk->ik',
                [
                    [3, 3, 4],
                    [4, 2],
                ],
            ],
            ['ij->ji', [[3, 5]]],
            ['ijk->', [[2, 3, 4]]],
            ['i,j->ij', [[3], [4]]],
            [
                'bgk,bkd,bk->bgd',
                [
                    [2, 3, 4],
                    [2, 4, 5],
                    [2, 4],
                ],
            ],
            [
                'a,c,d,db,ab,cb,ac,cd,ad,b->dbc',
                [[2], [2], [2], [2, 2], [2, 2], [2, 2], [2, 2], [2, 2], [2, 2], [2]],
            ],
        ];
        for (const [spec, shapes] of einsums) {
            void it(spec, async () => {
                const names = shapes.map((_, at) => `T${at}`);
                const network = einsumNetwork(spec, shapes, { names });
                const values = Object.fromEntries(
                    names.map((name, at) => [name, random(shapes[at]!, name)]),
                );
                check(await run(network, values), naiveNetwork(network, values), spec);
            });
        }

        void it('a scale factor, a grouped output axis and a broadcast second term', async () => {
            const network: Network = {
                name: 'Y',
                sizes: { n: 3, k: 4, d: 2, e: 3 },
                output: { axes: [['n'], ['d', 'e']], indices: ['n', 'd', 'e'], dtype: 'f64' },
                terms: [
                    {
                        scale: 0.5,
                        operands: [
                            {
                                name: 'A',
                                source: { kind: 'tensor', tensor: 'A' },
                                axes: [['n'], ['k']],
                                indices: ['n', 'k'],
                                dtype: 'f64',
                            },
                            {
                                name: 'B',
                                source: { kind: 'tensor', tensor: 'B' },
                                axes: [['k'], ['d', 'e']],
                                indices: ['k', 'd', 'e'],
                                dtype: 'f64',
                            },
                        ],
                        output: ['n', 'd', 'e'],
                    },
                    {
                        scale: -1,
                        operands: [
                            {
                                name: 'b',
                                source: { kind: 'tensor', tensor: 'b' },
                                axes: [['d', 'e']],
                                indices: ['d', 'e'],
                                dtype: 'f64',
                            },
                        ],
                        output: ['d', 'e'],
                    },
                ],
            };
            const values = { A: random([3, 4], 'A'), B: random([4, 6], 'B'), b: random([6], 'b') };
            const expected = new Float64Array(18);
            for (let n = 0; n < 3; n++) {
                for (let de = 0; de < 6; de++) {
                    let sum = 0;
                    for (let k = 0; k < 4; k++) sum += values.A[n * 4 + k]! * values.B[k * 6 + de]!;
                    expected[n * 6 + de] = 0.5 * sum - values.b[de]!;
                }
            }
            check(await run(network, values), expected, 'two terms');
        });
    });
}
