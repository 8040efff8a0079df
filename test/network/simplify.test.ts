// The paper's simplifications: each fires where it should, and none changes a result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { contractionPath } from '../../server/src/cost/index';
import { einsumNetwork } from '../../server/src/network/einsum';
import {
    type Network,
    type PatternSpec,
    axesShape,
    convOutputSize,
} from '../../server/src/network/ir';
import {
    type SimplificationKind,
    findSimplifications,
    simplify,
} from '../../server/src/network/simplify';
import { assertClose, evaluateNetwork, networkInputs } from './dense';

function pattern(
    input: number,
    kernel: number,
    stride = 1,
    padding: [number, number] = [0, 0],
    dilation = 1,
): PatternSpec {
    const [padLeft, padRight] = padding;
    const output = convOutputSize(input, kernel, stride, dilation, padLeft, padRight);
    return { input, output, kernel, stride, dilation, padLeft, padRight };
}

/**
 * An einsum network whose operands named in `patterns` (by position) are index patterns; the
 * pattern operands' shapes come from their specs.
 */
function network(
    spec: string,
    shapes: (number[] | PatternSpec)[],
    output?: { axes: string[][] },
): Network {
    const plain = shapes.map((shape) =>
        Array.isArray(shape) ? shape : [shape.input, shape.output, shape.kernel],
    );
    const net = einsumNetwork(spec, plain, {
        names: shapes.map((shape, k) => (Array.isArray(shape) ? `T${k}` : `P${k}`)),
    });
    const term = net.terms[0]!;
    term.operands = term.operands.map((operand, k) => {
        const shape = shapes[k]!;
        return Array.isArray(shape)
            ? operand
            : { ...operand, source: { kind: 'pattern' as const, pattern: shape } };
    });
    if (output !== undefined) {
        net.output = { ...net.output, axes: output.axes, indices: output.axes.flat() };
    }
    return net;
}

function check(net: Network, expected: SimplificationKind[]): Network {
    const { network: simplified, applied } = simplify(net);
    assert.deepEqual(
        applied.map((s) => s.kind),
        expected,
        applied.map((s) => s.description).join('; '),
    );
    for (const seed of [1, 2]) {
        const values = networkInputs(net, seed);
        assertClose(evaluateNetwork(simplified, values), evaluateNetwork(net, values), 'result');
    }
    assert.deepEqual(
        axesShape(simplified.sizes, simplified.output.axes),
        axesShape(net.sizes, net.output.axes),
    );
    return simplified;
}

function patternCount(net: Network): number {
    return net.terms.flatMap((t) => t.operands).filter((op) => op.source.kind === 'pattern').length;
}

void describe('pattern rewrites', () => {
    void it('a dense pattern (kernel = stride) becomes a reshape', () => {
        const net = network('nci,iok,dck->ndo', [[2, 2, 6], pattern(6, 2, 2), [3, 2, 2]]);
        const simplified = check(net, ['dense-pattern']);
        assert.equal(patternCount(simplified), 0);
        assert.deepEqual(simplified.terms[0]!.operands[0]!.axes, [['n'], ['c'], ['o', 'k']]);
        const before = contractionPath(net.terms[0]!, net.sizes, 'f32', { optimizer: 'optimal' });
        const after = contractionPath(simplified.terms[0]!, simplified.sizes, 'f32', {
            optimizer: 'optimal',
        });
        assert.ok(after.flops < before.flops);
    });

    void it('a down-sampling pattern (stride > kernel) becomes a reshape and a slice', () => {
        const net = network('nci,iok,dck->ndo', [[2, 2, 12], pattern(12, 2, 4), [3, 2, 2]]);
        const simplified = check(net, ['downsampling-pattern']);
        assert.deepEqual(simplified.terms[0]!.operands[0]!.slices, [
            { index: 'k', start: 0, extent: 4 },
        ]);
    });

    void it('a kernel-1, stride-1 pattern is a delta and goes', () => {
        const net = network('nci,iok,dck->ndo', [[2, 2, 5], pattern(5, 1), [3, 2, 1]]);
        // The delta leaves k of size 1 on the weight alone: squeezed, after which d and c merge.
        check(net, ['delta', 'squeeze']);
    });

    void it('an input index in the result (a VJP) splits there too', () => {
        const net = network('iok,dck,ndo->nci', [pattern(6, 3, 3), [4, 2, 3], [2, 4, 2]]);
        const simplified = check(net, ['dense-pattern']);
        assert.deepEqual(simplified.output.axes, [['n'], ['c'], ['o', 'k']]);
    });

    void it('2d convolution: both patterns, then the batch of 1 is squeezed', () => {
        const net = network('nchw,hyi,wxj,dcij->ndyx', [
            [1, 2, 4, 6],
            pattern(4, 2, 2),
            pattern(6, 3, 3),
            [3, 2, 2, 3],
        ]);
        const simplified = check(net, ['dense-pattern', 'dense-pattern', 'squeeze']);
        assert.equal(patternCount(simplified), 0);
    });

    void it('KFC: two copies of the input share the output position', () => {
        const net = network('nch,hyi,nCH,HyI->ciCI', [
            [2, 2, 6],
            pattern(6, 2, 2),
            [2, 2, 6],
            pattern(6, 2, 2),
        ]);
        check(net, ['dense-pattern', 'dense-pattern']);
    });

    void it('leaves padded, overlapping and dilated patterns alone', () => {
        for (const p of [pattern(6, 3, 1, [1, 1]), pattern(6, 3, 1), pattern(8, 2, 2, [0, 0], 2)]) {
            const net = network('nci,iok,dck->ndo', [[2, 2, p.input], p, [3, 2, p.kernel]]);
            assert.deepEqual(
                findSimplifications(net).filter((s) => s.kind.endsWith('pattern')),
                [],
            );
        }
    });

    void it('does not split an index that two patterns read', () => {
        const net = network('nci,iok,iOK->nok', [[2, 2, 6], pattern(6, 2, 2), pattern(6, 2, 2)]);
        assert.deepEqual(findSimplifications(net), []);
    });

    void it('describes what it does', () => {
        const net = network('nci,iok,dck->ndo', [[2, 2, 6], pattern(6, 2, 2), [3, 2, 2]]);
        assert.equal(
            findSimplifications(net)[0]!.description,
            'P1[i, o, k] is dense (kernel 2, stride 2, input 6, no padding): reshape i into (o, k) and drop it',
        );
    });
});

void describe('index rewrites', () => {
    void it('merges indices that always occur together', () => {
        const net = network('ijk,jkl->il', [
            [2, 3, 4],
            [3, 4, 5],
        ]);
        const simplified = check(net, ['merge-indices']);
        assert.deepEqual(simplified.terms[0]!.operands[0]!.indices, ['i', 'jk']);
        assert.equal(simplified.sizes.jk, 12);
    });

    void it('merges output indices only inside one stored axis of the result', () => {
        const split = network('ijk,l->ijkl', [[2, 3, 4], [5]]);
        // i j k always occur together, but the result stores them on three axes.
        assert.deepEqual(findSimplifications(split), []);
        const grouped = network('ijk,l->ijkl', [[2, 3, 4], [5]], {
            axes: [['i'], ['j', 'k'], ['l']],
        });
        check(grouped, ['merge-indices']);
    });

    void it('squeezes a size-1 index and keeps the result shape', () => {
        const net = network('aib,bc->aic', [
            [2, 1, 3],
            [3, 4],
        ]);
        const simplified = check(net, ['squeeze']);
        assert.deepEqual(simplified.terms[0]!.output, ['a', 'c']);
        assert.deepEqual(simplified.output.indices, ['a', 'i', 'c']);
    });
});
