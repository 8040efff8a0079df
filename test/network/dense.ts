// A plain dense contraction, written from the definitions, to check paths and rewrites against.
import type { Network, Operand, PatternSpec, Term } from '../../server/src/network/ir';
import { elementCount } from '../../server/src/network/ir';

export interface DenseTensor {
    indices: string[];
    data: Float64Array;
}

/** A pattern, dense: `P[i, o, k] = 1` exactly when `i = stride*o + dilation*k - padLeft`. */
export function densePattern(p: PatternSpec): Float64Array {
    const data = new Float64Array(p.input * p.output * p.kernel);
    for (let o = 0; o < p.output; o++) {
        for (let k = 0; k < p.kernel; k++) {
            const i = p.stride * o + p.dilation * k - p.padLeft;
            if (i >= 0 && i < p.input) data[(i * p.output + o) * p.kernel + k] = 1;
        }
    }
    return data;
}

/** Seeded uniform values in [-1, 1). */
export function randomData(length: number, seed: number): Float64Array {
    let state = seed >>> 0 || 1;
    const data = new Float64Array(length);
    for (let k = 0; k < length; k++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        data[k] = ((state >>> 0) / 4294967296) * 2 - 1;
    }
    return data;
}

/**
 * Σ over every index not in `output` of the product of the inputs, looping over all indices at
 * once. A repeated index inside one tensor reads its diagonal.
 */
export function contractDense(
    inputs: readonly DenseTensor[],
    output: readonly string[],
    sizes: Record<string, number>,
): DenseTensor {
    const all = [...new Set([...output, ...inputs.flatMap((tensor) => tensor.indices)])];
    const extent = all.map((index) => sizes[index]!);
    const position = new Map(all.map((index, k) => [index, k]));
    const strides = (indices: readonly string[]): number[] => {
        const result = new Array<number>(all.length).fill(0);
        let stride = 1;
        for (let axis = indices.length - 1; axis >= 0; axis--) {
            result[position.get(indices[axis]!)!] += stride;
            stride *= sizes[indices[axis]!]!;
        }
        return result;
    };
    const inputStrides = inputs.map((tensor) => strides(tensor.indices));
    const outputStrides = strides(output);
    const result = new Float64Array(elementCount(output.map((index) => sizes[index]!)));
    const counter = new Array<number>(all.length).fill(0);
    const total = elementCount(extent);
    for (let step = 0; step < total; step++) {
        let product = 1;
        for (let t = 0; t < inputs.length && product !== 0; t++) {
            let offset = 0;
            const s = inputStrides[t]!;
            for (let k = 0; k < all.length; k++) offset += counter[k]! * s[k]!;
            product *= inputs[t]!.data[offset]!;
        }
        let out = 0;
        for (let k = 0; k < all.length; k++) out += counter[k]! * outputStrides[k]!;
        result[out]! += product;
        for (let k = all.length - 1; k >= 0; k--) {
            if (++counter[k]! < extent[k]!) break;
            counter[k] = 0;
        }
    }
    return { indices: [...output], data: result };
}

/** The stored length of an operand's tensor: each part of `axes` at its full extent. */
export function storedLength(operand: Operand, sizes: Record<string, number>): number {
    return operand.indices.reduce((product, index) => product * extentOf(operand, index, sizes), 1);
}

function extentOf(operand: Operand, index: string, sizes: Record<string, number>): number {
    return operand.slices?.find((slice) => slice.index === index)?.extent ?? sizes[index]!;
}

/** Stored values: seeded random for tensors, the definition for patterns. */
export function operandData(
    operand: Operand,
    sizes: Record<string, number>,
    seed: number,
): Float64Array {
    if (operand.source.kind === 'pattern') return densePattern(operand.source.pattern);
    return randomData(storedLength(operand, sizes), seed);
}

/**
 * What an operand reads, over its flattened indices: the stored tensor row-major through its
 * parts, a sliced part from its start. Without slices that is the stored data itself.
 */
export function operandView(
    operand: Operand,
    sizes: Record<string, number>,
    stored: Float64Array,
): Float64Array {
    if (operand.slices === undefined || operand.slices.length === 0) return stored;
    const parts = operand.indices;
    const extents = parts.map((index) => extentOf(operand, index, sizes));
    const starts = parts.map(
        (index) => operand.slices!.find((slice) => slice.index === index)?.start ?? 0,
    );
    const shape = parts.map((index) => sizes[index]!);
    const strides = extents.map((_, k) => extents.slice(k + 1).reduce((a, b) => a * b, 1));
    const view = new Float64Array(elementCount(shape));
    const counter = new Array<number>(parts.length).fill(0);
    for (let at = 0; at < view.length; at++) {
        let offset = 0;
        for (let k = 0; k < parts.length; k++) offset += (starts[k]! + counter[k]!) * strides[k]!;
        view[at] = stored[offset]!;
        for (let k = parts.length - 1; k >= 0; k--) {
            if (++counter[k]! < shape[k]!) break;
            counter[k] = 0;
        }
    }
    return view;
}

/** Fills tensors by name (the same name gets the same values), patterns by definition. */
export function networkInputs(network: Network, seed = 1): Map<string, Float64Array> {
    const values = new Map<string, Float64Array>();
    let next = seed;
    for (const term of network.terms) {
        for (const operand of term.operands) {
            const key = operandKey(operand);
            if (!values.has(key)) values.set(key, operandData(operand, network.sizes, next++));
        }
    }
    return values;
}

export function operandKey(operand: Operand): string {
    return operand.source.kind === 'tensor'
        ? `tensor:${operand.source.tensor}`
        : `pattern:${JSON.stringify(operand.source.pattern)}`;
}

/** One term contracted densely, scale included, broadcast to the network's output indices. */
export function evaluateTerm(
    term: Term,
    network: Network,
    values: Map<string, Float64Array>,
): Float64Array {
    const inputs = term.operands.map((operand) => ({
        indices: operand.indices,
        data: operandView(operand, network.sizes, values.get(operandKey(operand))!),
    }));
    const kept = contractDense(inputs, term.output, network.sizes);
    const broadcast = contractDense(
        [kept, { indices: [], data: Float64Array.of(term.scale) }],
        network.output.indices,
        network.sizes,
    );
    return broadcast.data;
}

/** The whole network: the sum of its terms, over the flattened output indices. */
export function evaluateNetwork(network: Network, values: Map<string, Float64Array>): Float64Array {
    const result = new Float64Array(
        elementCount(network.output.indices.map((index) => network.sizes[index]!)),
    );
    for (const term of network.terms) {
        const part = evaluateTerm(term, network, values);
        for (let k = 0; k < result.length; k++) result[k]! += part[k]!;
    }
    return result;
}

/** Replays a linear path with dense pairwise steps: each step contracts to the indices it keeps. */
export function evaluatePath(
    term: Term,
    sizes: Record<string, number>,
    values: readonly Float64Array[],
    path: readonly (readonly number[])[],
    stepIndices: readonly (readonly string[])[],
): DenseTensor {
    const current: DenseTensor[] = term.operands.map((operand, k) => ({
        indices: operand.indices,
        data: values[k]!,
    }));
    path.forEach((positions, number) => {
        const taken = [...positions]
            .sort((a, b) => b - a)
            .map((position) => current.splice(position, 1)[0]!);
        current.push(contractDense(taken, stepIndices[number]!, sizes));
    });
    return current[0]!;
}

export function assertClose(actual: Float64Array, expected: Float64Array, what: string): void {
    if (actual.length !== expected.length) {
        throw new Error(`${what}: ${actual.length} values, expected ${expected.length}`);
    }
    for (let k = 0; k < actual.length; k++) {
        const tolerance = 1e-9 * Math.max(1, Math.abs(expected[k]!));
        if (!(Math.abs(actual[k]! - expected[k]!) <= tolerance)) {
            throw new Error(`${what}: value ${k} is ${actual[k]}, expected ${expected[k]}`);
        }
    }
}
