// The einsum form: NumPy's rules, and the error messages of the einsum cases that tripped other tools.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';
import { checkFixture } from './fixture';
import { assertSameNetwork } from './networks';

function errorsOf(text: string) {
    return analyze(text).diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
}

void test('a rank-1 and a rank-2 operand under A,A->A: the operand, its subscripts, both ranks', () => {
    const errors = errorsOf('tensor a[3]\ntensor b[3, 4]\nY = einsum("A,A->A", a, b)\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'E009');
    assert.equal(
        errors[0]!.message,
        'operand 1 (`b`) has subscripts "A", which imply rank 1, but `b` has rank 2 [3, 4]',
    );
    // The range is the second operand's subscripts inside the string.
    assert.deepEqual(errors[0]!.range, {
        start: { line: 2, character: 14 },
        end: { line: 2, character: 15 },
    });
});

void test('aabcb,abc on (3,3,4,5,6) and (3,4,5): the culprit is b, not c', () => {
    const errors = errorsOf(
        'tensor A[3, 3, 4, 5, 6]\ntensor B[3, 4, 5]\nY = einsum("aabcb,abc", A, B)\n',
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'E004');
    assert.equal(
        errors[0]!.message,
        'index `b` is 4 in operand 0, axis 2, but 6 in operand 0, axis 4',
    );
    assert.equal(errors[0]!.related?.length, 1);
});

void test('bix,iox->box on (12,8192,2) twice: index i, both operands and both axes', () => {
    const errors = errorsOf(
        'tensor A[12, 8192, 2]\ntensor B[12, 8192, 2]\nY = einsum("bix,iox->box", A, B)\n',
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'E004');
    assert.equal(
        errors[0]!.message,
        'index `i` is 8192 in operand 0, axis 1, but 12 in operand 1, axis 0',
    );
    assert.deepEqual(errors[0]!.data, {
        index: 'i',
        sizes: [8192, 12],
        operands: [0, 1],
        axes: [1, 0],
    });
});

void test('a 3x3 kernel on a 2x2 input: a static error with the padded input and the span', () => {
    const errors = errorsOf('tensor X[1, 1, 2, 2]\ntensor W[1, 1, 3, 3]\nY = conv(X, W)\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'E006');
    assert.match(errors[0]!.message, /padded input is 2 \(2 \+ 0 \+ 0\)/);
    assert.match(errors[0]!.message, /kernel spans 3/);
    const data = errors[0]!.data as { dimensions: { padding: number }[] };
    assert.deepEqual(
        data.dimensions.map((entry) => entry.padding),
        [1, 1],
    );
});

void test('implicit output: letters used once, in alphabetical order', () => {
    const analysis = checkFixture(
        'tensor A[2, 3]\ntensor B[3, 5]\nY = einsum("ba,ac", A, B)\n# expect: Y [2, 5]\n',
    ).analysis;
    assert.deepEqual(analysis.equations[0]!.network!.output.indices, ['b', 'c']);
});

void test('ellipsis broadcast follows NumPy: right-aligned, size 1 stretches', () => {
    const analysis = checkFixture(
        [
            'tensor A[2, 5, 3]',
            'tensor B[4, 1, 3]',
            'Y = einsum("...ij,...j->...i", A, B)',
            '# expect: Y [4, 2, 5]',
            'Z = einsum("...ij,...j", A, B)',
            '# expect: Z [4, 2, 5]',
        ].join('\n'),
    ).analysis;
    const network = analysis.equations[0]!.network!;
    // B's size-1 broadcast axis gets an index of its own, summed over one element.
    assert.deepEqual(network.terms[0]!.operands[1]!.indices, ['e0', 'e1_1', 'j']);
    assert.equal(network.sizes.e1_1, 1);
});

void test('the einsum form is the same network as the index form', () => {
    const text = [
        'size N = 8, C = 3, H = 32, W = 32, D = 16',
        'tensor X[N, C, H, W]',
        'tensor K[D, C, 3, 3]',
        'pattern P = conv(in=H, kernel=3, stride=2, padding=1)',
        'pattern Q = conv(in=W, kernel=3, stride=2, padding=1)',
        'Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]',
        'E = einsum("nchw,hyi,wxj,dcij->ndyx", X, P, Q, K)',
    ].join('\n');
    const [indexForm, einsumForm] = analyze(text).equations;
    assertSameNetwork(indexForm!.network!, einsumForm!.network!);
    assert.equal(einsumForm!.form, 'einsum');
    assert.equal(indexForm!.form, undefined);
});

void test('broadcast axes that do not broadcast name both places', () => {
    const errors = errorsOf(
        'tensor A[2, 5, 3]\ntensor B[4, 1, 3]\nY = einsum("...j,...j", A, B)\n',
    );
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.code, 'E004');
    assert.equal(
        errors[0]!.message,
        'broadcast axis 0 of `...` is 2 in operand 0, axis 0, but 4 in operand 1, axis 0',
    );
});

void test('as in NumPy, a label of size 1 broadcasts, and broadcast axes need `...` in the output', () => {
    const analysis = checkFixture(
        [
            'tensor A[2, 3]',
            'tensor C[1, 3]',
            'Z = einsum("ij,ij->i", C, A)',
            '# expect: Z [2]',
            'W = einsum("...i->i", A)',
            '#                 ^ E009',
        ].join('\n'),
    ).analysis;
    const network = analysis.equations[0]!.network!;
    assert.deepEqual(network.terms[0]!.operands[0]!.indices, ['i_0', 'j']);
    assert.equal(network.sizes.i_0, 1);
    assert.equal(network.sizes.i, 2);
});

void test('einsum errors: counts, characters, output letters', () => {
    const base = 'tensor A[2, 3]\ntensor B[3, 4]\n';
    const cases: [string, string, RegExp][] = [
        [
            'Y = einsum("ij,jk,kl->il", A, B)',
            'E009',
            /3 operand subscripts .* but the call has 2 operands/,
        ],
        ['Y = einsum("ij,j1->i", A, B)', 'E009', /invalid character `1`/],
        ['Y = einsum("i\u{1F600}j", A)', 'E009', /invalid character `\u{1F600}` in einsum/u],
        ['Y = einsum("i\u0007j", A)', 'E009', /invalid character U\+0007 in einsum/],
        ['Y = einsum("ij,jk->iz", A, B)', 'E005', /output subscript `z`/],
        ['Y = einsum("ij,jk->ii", A, B)', 'E009', /appears more than once/],
        ['Y = einsum("ij,jk->ik->i", A, B)', 'E009', /at most one `->`/],
        ['Y = einsum(A, B)', 'E009', /subscripts string first/],
        ['Y = einsum("ij,jk->ik", A, Q)', 'E002', /undefined tensor `Q`/],
    ];
    for (const [line, code, message] of cases) {
        const errors = errorsOf(base + line);
        assert.equal(errors.length, 1, line);
        assert.equal(errors[0]!.code, code, line);
        assert.match(errors[0]!.message, message, line);
    }
});

void test('W102 in each term of a sum points at that term’s own factor', () => {
    const warnings = analyze('tensor A[3, 4]\nS = -2 * A[i, j] - A[i, j]\n')
        .diagnostics.filter((diagnostic) => diagnostic.code === 'W102')
        .map(
            (diagnostic) =>
                `${diagnostic.message.split(' ')[1]} ${diagnostic.range.start.character}`,
        );
    assert.deepEqual(warnings, ['`i` 11', '`j` 14', '`i` 21', '`j` 24']);
});
