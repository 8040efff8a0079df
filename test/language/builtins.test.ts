// The built-ins expand to the networks of the same operations written out: compared structurally
// (up to index names) and, through a dense evaluation, by value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';
import type { Network } from '../../server/src/network/ir';
import { assertClose, evaluateNetwork, randomData } from '../network/dense';
import { assertSameNetwork } from './networks';

function networks(text: string): Map<string, Network> {
    const analysis = analyze(text);
    const errors = analysis.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    assert.deepEqual(errors, [], text);
    const found = new Map<string, Network>();
    for (const equation of analysis.equations) found.set(equation.name, equation.network!);
    return found;
}

/** Seeded values for every tensor a set of networks reads, by name. */
function values(list: Network[]): Map<string, Float64Array> {
    const result = new Map<string, Float64Array>();
    let seed = 1;
    for (const network of list) {
        for (const term of network.terms) {
            for (const operand of term.operands) {
                if (operand.source.kind === 'pattern') {
                    const key = `pattern:${JSON.stringify(operand.source.pattern)}`;
                    if (result.has(key)) continue;
                    const p = operand.source.pattern;
                    const data = new Float64Array(p.input * p.output * p.kernel);
                    for (let o = 0; o < p.output; o++) {
                        for (let k = 0; k < p.kernel; k++) {
                            const i = p.stride * o + p.dilation * k - p.padLeft;
                            if (i >= 0 && i < p.input) data[(i * p.output + o) * p.kernel + k] = 1;
                        }
                    }
                    result.set(key, data);
                    continue;
                }
                const key = `tensor:${operand.source.tensor}`;
                if (result.has(key)) continue;
                const count = operand.indices.reduce((n, index) => n * network.sizes[index]!, 1);
                result.set(key, randomData(count, seed++));
            }
        }
    }
    return result;
}

function dot(a: Float64Array, b: Float64Array): number {
    assert.equal(a.length, b.length);
    return a.reduce((sum, value, k) => sum + value * b[k]!, 0);
}

void test('conv(X, K, stride=2, padding=1) is the written-out 2d convolution of the brief', () => {
    const found = networks(`size N = 8, C = 3, H = 32, W = 32, D = 16
tensor X[N, C, H, W]
tensor K[D, C, 3, 3]
pattern P = conv(in=H, kernel=3, stride=2, padding=1)
pattern Q = conv(in=W, kernel=3, stride=2, padding=1)
Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]
Z = conv(X, K, stride=2, padding=1)
`);
    assertSameNetwork(found.get('Y')!, found.get('Z')!);
    const z = found.get('Z')!;
    assert.deepEqual(
        z.terms[0]!.operands.map((operand) => operand.name),
        ['X', 'Π_1', 'Π_2', 'K'],
    );
});

void test('a grouped convolution written with grouped axes is conv(..., groups=2)', () => {
    const found = networks(`tensor X[2, 4, 50]
tensor W[6, 2, 5]
pattern P = conv(in=50, kernel=5, stride=3)
Y[n, (g, d), o] = X[n, (g, c), i] * P[i, o, k] * W[(g, d), c, k]
Z = conv(X, W, stride=3, groups=2)
`);
    assertSameNetwork(found.get('Y')!, found.get('Z')!);
    assert.equal(found.get('Z')!.sizes.g, 2);
    const both = values([found.get('Y')!, found.get('Z')!]);
    assertClose(
        evaluateNetwork(found.get('Z')!, both),
        evaluateNetwork(found.get('Y')!, both),
        'grouped',
    );
});

void test('conv in 1d, 3d and 4d: one pattern per spatial dimension', () => {
    for (const [x, w, expect] of [
        ['2, 3, 20', '4, 3, 5', [2, 4, 16]],
        ['1, 2, 6, 5, 4', '3, 2, 3, 2, 1', [1, 3, 4, 4, 4]],
        ['1, 1, 4, 4, 4, 4', '1, 1, 2, 2, 2, 2', [1, 1, 3, 3, 3, 3]],
    ] as const) {
        const analysis = analyze(`tensor X[${x}]\ntensor W[${w}]\nY = conv(X, W)\n`);
        assert.deepEqual(analysis.diagnostics, []);
        const network = analysis.equations[0]!.network!;
        const spatial = expect.length - 2;
        const patterns = network.terms[0]!.operands.filter(
            (operand) => operand.source.kind === 'pattern',
        );
        assert.equal(patterns.length, spatial);
        assert.deepEqual(analysis.symbols.find((symbol) => symbol.name === 'Y')!.shape, expect);
    }
});

void test('unfold is the written-out unfolded input, by structure and by value', () => {
    const found = networks(`tensor X[2, 3, 7, 6]
U = unfold(X, kernel=(3, 2), stride=2, padding=1, dilation=2)
pattern P = conv(in=7, kernel=3, stride=2, padding=1, dilation=2)
pattern Q = conv(in=6, kernel=2, stride=2, padding=1, dilation=2)
U2[n, (c, i, j), (y, x)] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j]
`);
    assertSameNetwork(found.get('U2')!, found.get('U')!);
});

void test('kfc equals the written-out factor F2 of the brief, by value', () => {
    const found = networks(`size N = 2, C = 2
tensor X[N, C, 4, 4]
F = kfc(X, kernel=(2, 2))
pattern P = conv(in=4, kernel=2)
pattern Q = conv(in=4, kernel=2)
F2[(c, i, j), (c2, i2, j2)] = (1 / N) * X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * X[n, c2, h2, w2] * P[h2, y, i2] * Q[w2, x, j2]
`);
    const f = found.get('F')!;
    assert.equal(f.terms[0]!.scale, 1 / 2);
    const both = values([f, found.get('F2')!]);
    assertClose(evaluateNetwork(f, both), evaluateNetwork(found.get('F2')!, both), 'kfc');
});

void test('kfac_reduce sums each copy over its own output positions, divided by N * prod(O)^2', () => {
    const found = networks(`size N = 2
tensor X[N, 4, 9]
F = kfac_reduce(X, kernel=3, stride=2, groups=2)
pattern P = conv(in=9, kernel=3, stride=2)
tensor X1[N, 2, 9]
`);
    const f = found.get('F')!;
    assert.equal(f.terms[0]!.scale, 1 / (2 * 4 * 4));
    assert.deepEqual(f.output.axes, [['g'], ['c', 'k'], ["c'", "k'"]]);
    const outputs = f.terms[0]!.operands.filter((operand) => operand.source.kind === 'pattern');
    assert.deepEqual(
        outputs.map((operand) => operand.indices[1]),
        ['o', "o'"],
    );
});

void test('conv_transpose is the vjp of conv with respect to its input, by value', () => {
    const found = networks(`tensor X[2, 3, 8, 7]
tensor W[4, 3, 3, 2]
Y = conv(X, W, stride=2, padding=1)
tensor V[2, 4, 4, 4]
G = vjp(Y, X, V)
T = conv_transpose(V, W, stride=2, padding=1, output_padding=1)
`);
    const g = found.get('G')!;
    const t = found.get('T')!;
    const both = values([g, t]);
    assertClose(evaluateNetwork(t, both), evaluateNetwork(g, both), 'conv_transpose');
});

void test('vjp and jvp are adjoint: <V, jvp(T)> = <vjp(V), T>, also under the product rule', () => {
    const found = networks(`size N = 3
tensor A[N, N]
tensor B[N, N]
Y[i, j] = A[i, k] * A[k, j] * B[j, l] + 2 * A[j, i]
tensor V[N, N]
tensor T[N, N]
GA = vjp(Y, A, V)
JA = jvp(Y, A, T)
`);
    const ga = found.get('GA')!;
    const ja = found.get('JA')!;
    assert.equal(ga.terms.length, 3);
    assert.equal(ja.terms.length, 3);
    const both = values([ga, ja, found.get('Y')!]);
    const left = dot(both.get('tensor:V')!, evaluateNetwork(ja, both));
    const right = dot(evaluateNetwork(ga, both), both.get('tensor:T')!);
    assert.ok(Math.abs(left - right) < 1e-9 * Math.max(1, Math.abs(left)), `${left} vs ${right}`);
});

void test('vjp of the written-out gradient example matches the hand-written gradients', () => {
    const found = networks(`size N = 4, C = 8, D = 16, H = 20
tensor X[N, C, H]
tensor W[D, C, 5]
pattern P = conv(in=H, kernel=5, padding="same")
Y[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]
tensor V[N, D, H]
GX = vjp(Y, X, V)
GW = vjp(Y, W, V)
GX2[n, c, i] = P[i, o, k] * W[d, c, k] * V[n, d, o]
GW2[d, c, k] = X[n, c, i] * P[i, o, k] * V[n, d, o]
`);
    assertSameNetwork(found.get('GX2')!, found.get('GX')!);
    assertSameNetwork(found.get('GW2')!, found.get('GW')!);
});
