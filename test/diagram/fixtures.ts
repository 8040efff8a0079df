/** Hand-built networks of the paper's examples, for the diagram tests and the benchmark. */
import { einsumNetwork } from '../../server/src/network/einsum';
import {
    convOutputSize,
    type Network,
    type Operand,
    type PatternSpec,
} from '../../server/src/network/ir';

export function pattern(
    input: number,
    kernel: number,
    stride = 1,
    padding = 0,
    dilation = 1,
): PatternSpec {
    return {
        input,
        output: convOutputSize(input, kernel, stride, dilation, padding, padding),
        kernel,
        stride,
        dilation,
        padLeft: padding,
        padRight: padding,
    };
}

function tensor(name: string, axes: string[][]): Operand {
    return {
        name,
        source: { kind: 'tensor', tensor: name },
        axes,
        indices: axes.flat(),
        dtype: 'f32',
    };
}

function patternOperand(name: string, spec: PatternSpec, indices: string[]): Operand {
    return {
        name,
        source: { kind: 'pattern', pattern: spec, patternName: name },
        axes: indices.map((index) => [index]),
        indices,
        dtype: 'f32',
    };
}

function network(
    name: string,
    sizes: Record<string, number>,
    output: string[][],
    operands: Operand[],
    scale = 1,
): Network {
    const indices = output.flat();
    return {
        name,
        sizes,
        output: { axes: output, indices, dtype: 'f32' },
        terms: [{ scale, operands, output: indices }],
    };
}

/** Y[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k] */
export function conv1d(): Network {
    const p = pattern(20, 5, 1, 2);
    return network(
        'Y',
        { n: 4, c: 8, i: 20, o: p.output, k: 5, d: 16 },
        [['n'], ['d'], ['o']],
        [
            tensor('X', [['n'], ['c'], ['i']]),
            patternOperand('P', p, ['i', 'o', 'k']),
            tensor('W', [['d'], ['c'], ['k']]),
        ],
    );
}

/** The strided 2d convolution of the language brief. */
export function conv2d(): Network {
    const p = pattern(32, 3, 2, 1);
    return network(
        'Y',
        { n: 8, c: 3, h: 32, w: 32, d: 16, y: p.output, x: p.output, i: 3, j: 3 },
        [['n'], ['d'], ['y'], ['x']],
        [
            tensor('X', [['n'], ['c'], ['h'], ['w']]),
            patternOperand('P', p, ['h', 'y', 'i']),
            patternOperand('Q', p, ['w', 'x', 'j']),
            tensor('K', [['d'], ['c'], ['i'], ['j']]),
        ],
    );
}

/** unfold: U[n, (c, i, j), (y, x)] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] */
export function unfold(): Network {
    const p = pattern(50, 3, 2, 1, 2);
    const q = pattern(40, 2, 2, 1, 2);
    return network(
        'U',
        { n: 2, c: 3, h: 50, w: 40, y: p.output, x: q.output, i: 3, j: 2 },
        [['n'], ['c', 'i', 'j'], ['y', 'x']],
        [
            tensor('X', [['n'], ['c'], ['h'], ['w']]),
            patternOperand('Π_h', p, ['h', 'y', 'i']),
            patternOperand('Π_w', q, ['w', 'x', 'j']),
        ],
    );
}

/** KFC of the language brief: F2[(c, i, j), (c2, i2, j2)] = (1 / N) X P Q X P Q. */
export function kfc(): Network {
    const p = pattern(50, 5);
    const q = pattern(40, 3);
    return network(
        'F2',
        {
            n: 2,
            c: 3,
            h: 50,
            w: 40,
            y: p.output,
            x: q.output,
            i: 5,
            j: 3,
            c2: 3,
            h2: 50,
            w2: 40,
            i2: 5,
            j2: 3,
        },
        [
            ['c', 'i', 'j'],
            ['c2', 'i2', 'j2'],
        ],
        [
            tensor('X', [['n'], ['c'], ['h'], ['w']]),
            patternOperand('P', p, ['h', 'y', 'i']),
            patternOperand('Q', q, ['w', 'x', 'j']),
            tensor('X', [['n'], ['c2'], ['h2'], ['w2']]),
            patternOperand('P', p, ['h2', 'y', 'i2']),
            patternOperand('Q', q, ['w2', 'x', 'j2']),
        ],
        1 / 2,
    );
}

/** The matrix chain of the language brief. */
export function chain(): Network {
    return einsumNetwork(
        'ij,jk,kl->il',
        [
            [64, 512],
            [512, 8],
            [8, 512],
        ],
        { names: ['A', 'B', 'C'], name: 'M' },
    );
}

/** A grouped convolution: the group index g is shared by three factors, a hyperedge. */
export function groupedConv(): Network {
    const p = pattern(50, 5, 3);
    return network(
        'Z',
        { n: 2, g: 2, c: 2, d: 3, i: 50, o: p.output, k: 5 },
        [['n'], ['g', 'd'], ['o']],
        [
            tensor('X', [['n'], ['g', 'c'], ['i']]),
            patternOperand('P', p, ['i', 'o', 'k']),
            tensor('W', [['g', 'd'], ['c'], ['k']]),
        ],
    );
}

/** Two terms, a trace and a summed axis: Y[n, d] = A[n, k] * B[k, d] - b[d] * T[t, t] * S[n, s]. */
export function twoTerms(): Network {
    const sizes = { n: 8, k: 32, d: 4, t: 3, s: 5 };
    return {
        name: 'Y',
        sizes,
        output: { axes: [['n'], ['d']], indices: ['n', 'd'], dtype: 'f32' },
        terms: [
            {
                scale: 1,
                operands: [tensor('A', [['n'], ['k']]), tensor('B', [['k'], ['d']])],
                output: ['n', 'd'],
            },
            {
                scale: -1,
                operands: [
                    tensor('b', [['d']]),
                    tensor('T', [['t'], ['t']]),
                    tensor('S', [['n'], ['s']]),
                ],
                output: ['n', 'd'],
            },
        ],
    };
}

/** A ring of `count` matrices, each sharing one index with the next, for the benchmark. */
export function ring(count: number): Network {
    const letters = (k: number): string => `a${k}`;
    const inputs = Array.from(
        { length: count },
        (_, k) => `${letters(k)},${letters((k + 1) % count)}`,
    );
    const operands = Array.from({ length: count }, (_, k) =>
        tensor(`T${k}`, [[letters(k)], [letters((k + 1) % count)]]),
    );
    const sizes: Record<string, number> = {};
    for (let k = 0; k < count; k++) sizes[letters(k)] = 2 + (k % 7) * 5;
    void inputs;
    return network('R', sizes, [[letters(0)]], operands);
}

export const FIXTURES: Record<string, () => Network> = {
    conv1d,
    conv2d,
    unfold,
    kfc,
    chain,
    'grouped-conv': groupedConv,
    'two-terms': twoTerms,
};
