/**
 * The cost model of a contraction path: FLOPs counted as `numpy.einsum_path` and opt_einsum count
 * them, FLOPs with index patterns counted by their non-zeros, intermediate sizes and peak memory.
 */
import {
    BYTES_PER_ELEMENT,
    type DType,
    type Operand,
    type PatternSpec,
    type Term,
    elementCount,
} from '../network/ir';

export interface ContractionStep {
    /** Positions in the current operand list (linear format), usually a pair. */
    operands: number[];
    /** The display names of those operands (an intermediate is `#k`, the result of step k). */
    operandNames: string[];
    /** The index lists of those operands. */
    operandIndices: string[][];
    /** Indices of the result, kept. */
    indices: string[];
    /** Indices summed away in this step. */
    summed: string[];
    shape: number[];
    /** As numpy.einsum_path and opt_einsum count them. */
    flops: number;
    /** A pattern operand counted by its non-zeros. */
    structuredFlops: number;
    /** Of the result, for its element type. */
    bytes: number;
    /** The number of distinct indices the step loops over (opt_einsum's "scaling"). */
    scaling: number;
}

export interface PathReport {
    /** opt_einsum's linear format over the term's operands (scale factors left out). */
    path: number[][];
    steps: ContractionStep[];
    naiveFlops: number;
    flops: number;
    structuredFlops: number;
    /** Elements of the largest step result (the final result included, as numpy counts it). */
    largestIntermediate: number;
    peakMemoryBytes: number;
    /** naiveFlops / flops. */
    speedup: number;
    optimizer: string;
    objective: string;
    /** The number of distinct indices of the whole term, and the largest of any one step. */
    naiveScaling: number;
    scaling: number;
    /** The term as an einsum-like string, one index name per letter where possible. */
    equation: string;
    /**
     * False when the search stopped before it finished (too many operands, or the deadline); its
     * path is then the best of the cheaper searches it tried, and `incomplete` says why.
     */
    complete: boolean;
    incomplete?: string;
}

/**
 * numpy's `_flop_count`: the product of the sizes of every index involved, times
 * `max(1, terms - 1)`, plus one more such product when the step sums an index.
 */
export function flopCount(loopSize: number, operandCount: number, sums: boolean): number {
    return loopSize * (Math.max(1, operandCount - 1) + (sums ? 1 : 0));
}

/**
 * `patternNonZeros` in O(kernel): for each kernel position, the outputs whose input position
 * `stride*o + dilation*k - padLeft` falls inside the input form one range.
 */
export function countNonZeros(p: PatternSpec): number {
    let count = 0;
    for (let k = 0; k < p.kernel; k++) {
        const shift = p.dilation * k - p.padLeft;
        const low = Math.max(0, Math.ceil(-shift / p.stride));
        const high = Math.min(p.output - 1, Math.floor((p.input - 1 - shift) / p.stride));
        if (high >= low) count += high - low + 1;
    }
    return count;
}

/** The fraction of a pattern operand's entries that are non-zero (1 for a dense tensor). */
export function operandDensity(operand: Operand): number {
    if (operand.source.kind !== 'pattern') return 1;
    const p = operand.source.pattern;
    const total = p.input * p.output * p.kernel;
    return total === 0 ? 1 : countNonZeros(p) / total;
}

/** Bytes an input occupies (all of it when sliced); a pattern is index arithmetic, not stored. */
export function operandBytes(operand: Operand, sizes: Record<string, number>): number {
    if (operand.source.kind === 'pattern') return 0;
    const shape = operand.indices.map(
        (index) =>
            operand.slices?.find((slice) => slice.index === index)?.extent ?? sizes[index] ?? 0,
    );
    return elementCount(shape) * BYTES_PER_ELEMENT[operand.dtype];
}

/** The distinct indices in first-seen order (lists are short: no set needed). */
function unique(indices: readonly string[]): string[] {
    const result: string[] = [];
    for (const index of indices) if (!result.includes(index)) result.push(index);
    return result;
}

function loopSize(indices: Iterable<string>, sizes: Record<string, number>): number {
    let size = 1;
    for (const index of indices) size *= sizes[index] ?? 0;
    return size;
}

/** The naive cost of a term as numpy computes it: one loop over every index at once. */
export function naiveCost(
    term: Term,
    sizes: Record<string, number>,
): { flops: number; structuredFlops: number; scaling: number } {
    const all: string[] = [];
    let carried = 0;
    let density = 1;
    for (const operand of term.operands) {
        const indices = unique(operand.indices);
        carried += indices.length;
        for (const index of indices) if (!all.includes(index)) all.push(index);
        density *= operandDensity(operand);
    }
    const inner = carried - all.length > 0;
    const flops = flopCount(loopSize(all, sizes), term.operands.length, inner);
    return { flops, structuredFlops: flops * density, scaling: all.length };
}

interface Live {
    name: string;
    /** Distinct index ids, in first-seen order. */
    ids: number[];
    density: number;
    /** Bytes counted against peak memory while it lives (0 for inputs, counted apart). */
    bytes: number;
}

/** Checks a linear path's shape: positions in range and distinct, one operand left at the end. */
export function validatePath(path: readonly (readonly number[])[], operandCount: number): void {
    let count = operandCount;
    path.forEach((step, number) => {
        if (step.length === 0) throw new Error(`path step ${number + 1} contracts no operand`);
        const seen: number[] = [];
        for (const position of step) {
            if (!Number.isInteger(position) || position < 0 || position >= count) {
                throw new Error(
                    `path step ${number + 1} names operand ${position}, but only ` +
                        `${count} operands are left (positions 0 to ${count - 1})`,
                );
            }
            if (seen.includes(position)) {
                throw new Error(`path step ${number + 1} names operand ${position} twice`);
            }
            seen.push(position);
        }
        count = count - step.length + 1;
    });
    if (operandCount > 0 && count !== 1) {
        throw new Error(`the path leaves ${count} operands; it must contract them to one`);
    }
}

/**
 * Replays a linear path over a term exactly as numpy.einsum_path does, and reports every step.
 * Throws when the path does not fit the term.
 */
export function replayPath(
    term: Term,
    sizes: Record<string, number>,
    dtype: DType,
    path: readonly (readonly number[])[],
    labels: { optimizer: string; objective: string } = { optimizer: 'given', objective: 'flops' },
): PathReport {
    validatePath(path, term.operands.length);
    const elementBytes = BYTES_PER_ELEMENT[dtype];
    const idOf = new Map<string, number>();
    const names: string[] = [];
    const ids = (indices: readonly string[]): number[] => {
        const result: number[] = [];
        for (const index of indices) {
            let id = idOf.get(index);
            if (id === undefined) {
                id = names.length;
                idOf.set(index, id);
                names.push(index);
            }
            if (!result.includes(id)) result.push(id);
        }
        return result;
    };
    const current: Live[] = term.operands.map((operand) => ({
        name: operand.name,
        ids: ids(operand.indices),
        density: operandDensity(operand),
        bytes: 0,
    }));
    const output = ids(term.output);
    const sizeOf = names.map((index) => sizes[index] ?? 0);
    const inputBytes = term.operands.reduce((sum, op) => sum + operandBytes(op, sizes), 0);
    // How many current operands carry each index, the output counting as one.
    const carriers = new Int32Array(names.length);
    for (const id of output) carriers[id]!++;
    for (const live of current) for (const id of live.ids) carriers[id]!++;
    let aliveBytes = 0;
    let peak = inputBytes;
    const steps: ContractionStep[] = [];

    path.forEach((positions, number) => {
        const last = number === path.length - 1;
        const order = [...positions].sort((a, b) => b - a);
        const taken = order.map((position) => current.splice(position, 1)[0]!);
        const inStep = positions.map((p) => taken[order.indexOf(p)]!);
        const involved: number[] = [];
        let loop = 1;
        for (const live of inStep) {
            for (const id of live.ids) {
                if (involved.includes(id)) continue;
                involved.push(id);
                loop *= sizeOf[id]!;
            }
        }
        for (const live of taken) for (const id of live.ids) carriers[id]!--;
        const kept = involved.filter((id) => carriers[id]! > 0);
        const summed = involved.filter((id) => carriers[id]! <= 0);
        const result = last ? output.filter((id) => kept.includes(id)) : kept;
        for (const id of result) carriers[id]!++;
        const shape = result.map((id) => sizeOf[id]!);
        const bytes = elementCount(shape) * elementBytes;
        const flops = flopCount(loop, inStep.length, summed.length > 0);
        let density = 1;
        for (const live of inStep) density *= live.density;

        peak = Math.max(peak, inputBytes + aliveBytes + bytes);
        for (const live of taken) aliveBytes -= live.bytes;
        aliveBytes += bytes;
        current.push({
            name: `#${number + 1}`,
            ids: result,
            density: summed.length > 0 ? 1 : density,
            bytes,
        });
        steps.push({
            operands: [...positions],
            operandNames: inStep.map((live) => live.name),
            operandIndices: inStep.map((live) => live.ids.map((id) => names[id]!)),
            indices: result.map((id) => names[id]!),
            summed: summed.map((id) => names[id]!),
            shape,
            flops,
            structuredFlops: flops * density,
            bytes,
            scaling: involved.length,
        });
    });

    const naive = naiveCost(term, sizes);
    const flops = steps.reduce((sum, step) => sum + step.flops, 0);
    return {
        path: path.map((step) => [...step]),
        steps,
        naiveFlops: naive.flops,
        flops,
        structuredFlops: steps.reduce((sum, step) => sum + step.structuredFlops, 0),
        largestIntermediate: steps.reduce(
            (max, step) => Math.max(max, elementCount(step.shape)),
            0,
        ),
        peakMemoryBytes: peak,
        speedup: flops === 0 ? 1 : naive.flops / flops,
        optimizer: labels.optimizer,
        objective: labels.objective,
        naiveScaling: naive.scaling,
        scaling: steps.reduce((max, step) => Math.max(max, step.scaling), 0),
        equation: termEquation(term),
        complete: true,
    };
}

/** `ij,jk->ik` when every index is one character, else `i j, j k -> i k` with spaces. */
export function termEquation(term: Term): string {
    const lists = [...term.operands.map((op) => op.indices), term.output];
    const short = lists.every((list) => list.every((index) => index.length === 1));
    const join = (list: readonly string[]): string => list.join(short ? '' : ' ');
    const left = term.operands.map((op) => join(op.indices)).join(short ? ',' : ', ');
    return `${left}->${join(term.output)}`;
}
