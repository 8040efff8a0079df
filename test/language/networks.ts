// Comparing networks up to the names of their indices and of their pattern operands.
import assert from 'node:assert/strict';
import type { Network, Operand } from '../../server/src/network/ir';

function sameSource(a: Operand, b: Operand): boolean {
    if (a.source.kind !== b.source.kind) return false;
    if (a.source.kind === 'tensor' && b.source.kind === 'tensor') {
        return a.source.tensor === b.source.tensor;
    }
    if (a.source.kind === 'pattern' && b.source.kind === 'pattern') {
        return JSON.stringify(a.source.pattern) === JSON.stringify(b.source.pattern);
    }
    return false;
}

/** Asserts that the networks are equal once the indices of `b` are renamed to those of `a`. */
export function assertSameNetwork(a: Network, b: Network): void {
    const forward = new Map<string, string>();
    const backward = new Map<string, string>();
    const bind = (x: string, y: string, where: string) => {
        const known = forward.get(x);
        assert.ok(known === undefined || known === y, `${where}: ${x} maps to ${known} and ${y}`);
        const back = backward.get(y);
        assert.ok(back === undefined || back === x, `${where}: ${y} maps from ${back} and ${x}`);
        forward.set(x, y);
        backward.set(y, x);
        assert.equal(a.sizes[x], b.sizes[y], `${where}: size of ${x} / ${y}`);
    };
    const bindAxes = (x: string[][], y: string[][], where: string) => {
        assert.deepEqual(
            x.map((parts) => parts.length),
            y.map((parts) => parts.length),
            `${where}: axis grouping`,
        );
        x.forEach((parts, axis) => parts.forEach((index, at) => bind(index, y[axis]![at]!, where)));
    };
    assert.equal(a.terms.length, b.terms.length, 'number of terms');
    a.terms.forEach((term, t) => {
        const other = b.terms[t]!;
        assert.ok(Math.abs(term.scale - other.scale) < 1e-12, `term ${t}: scale`);
        assert.equal(term.operands.length, other.operands.length, `term ${t}: operand count`);
        term.operands.forEach((operand, position) => {
            const peer = other.operands[position]!;
            assert.ok(sameSource(operand, peer), `term ${t}, operand ${position}: source`);
            assert.equal(operand.dtype, peer.dtype, `term ${t}, operand ${position}: dtype`);
            bindAxes(operand.axes, peer.axes, `term ${t}, operand ${position}`);
        });
        assert.deepEqual(
            term.output.map((index) => forward.get(index)),
            other.output,
            `term ${t}: output`,
        );
    });
    bindAxes(a.output.axes, b.output.axes, 'output');
    assert.equal(a.output.dtype, b.output.dtype, 'output dtype');
}
