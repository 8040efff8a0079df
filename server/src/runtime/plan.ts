/**
 * Execution plans: a network and a contraction path turned into buffers and steps that either
 * backend runs. Every step is one of two kernels: an affine gather-reduce (permutations, diagonals,
 * sums, broadcasts, and contractions with index patterns as index arithmetic) or a batched matrix
 * product. Index patterns stay structured unless `densePatterns` asks for them as dense tensors.
 */
import {
    BYTES_PER_ELEMENT,
    type DType,
    type Network,
    type PatternSpec,
    type Term,
    elementCount,
} from '../network/ir';

export interface PlanBuffer {
    id: number;
    elements: number;
    kind: 'input' | 'constant' | 'temp' | 'output';
    /** The tensor an input holds. */
    name?: string;
}

/**
 * A determined coordinate of a gather: `value = (base + Σ coefs[j] * c[j]) / divisor`, valid when
 * the division is exact and `0 <= value < size` (and, when `check >= 0`, equal to output
 * coordinate `check`). It comes from a pattern's defining equation `i = S*o + D*k - Pl`.
 */
export interface Constraint {
    base: number;
    coefs: number[];
    divisor: number;
    size: number;
    check: number;
    srcStride: number;
}

/**
 * `dst[r] = (accumulate ? dst[r] : 0) + scale * Σ_s src[srcOffset + Σ srcStrides·c + Σ constraint
 * strides]` over the free coordinates `c = (r, s)`: `r` walks `outShape` (row-major, the layout of
 * dst), `s` walks `sumShape`; a point where a constraint fails contributes 0.
 */
export interface GatherStep {
    kind: 'gather';
    label: string;
    src: number;
    dst: number;
    outShape: number[];
    sumShape: number[];
    srcOffset: number;
    srcStrides: number[];
    constraints: Constraint[];
    scale: number;
    accumulate: boolean;
    flops: number;
    bytes: number;
}

/**
 * A pure gather (no sums) read in place of a buffer: element `e` of the virtual buffer is the
 * gather's output element `e`, computed from `src` by the same index arithmetic.
 */
export interface GatherView {
    src: number;
    outShape: number[];
    srcOffset: number;
    srcStrides: number[];
    constraints: Constraint[];
}

/**
 * `C[b, m, n] = Σ_k A[b, m, k] B[b, k, n]` with A and B strided, C contiguous. With `aView` or
 * `bView` the operand is read through a pattern's index arithmetic (an implicit GEMM): `a` or `b`
 * then names a buffer that is never written.
 */
export interface GemmStep {
    kind: 'gemm';
    label: string;
    a: number;
    b: number;
    dst: number;
    batch: number;
    m: number;
    n: number;
    k: number;
    aStrides: [number, number, number];
    bStrides: [number, number, number];
    aView?: GatherView;
    bView?: GatherView;
    flops: number;
    bytes: number;
}

/** Writes an index pattern as a dense 0/1 tensor `[input, output, kernel]` (only when asked for). */
export interface PatternStep {
    kind: 'pattern';
    label: string;
    dst: number;
    pattern: PatternSpec;
    flops: number;
    bytes: number;
}

export interface FillStep {
    kind: 'fill';
    label: string;
    dst: number;
    value: number;
    flops: number;
    bytes: number;
}

export type Step = GatherStep | GemmStep | PatternStep | FillStep;

export interface PlanInput {
    name: string;
    buffer: number;
    shape: number[];
    dtype: DType;
}

export interface Plan {
    name: string;
    dtype: DType;
    buffers: PlanBuffer[];
    steps: Step[];
    inputs: PlanInput[];
    output: { buffer: number; shape: number[] };
    flops: number;
    /**
     * Bytes of every buffer together. FIXME: the plan allocates each buffer once and frees none
     * early (no liveness analysis), so this is above the true peak of a long plan.
     */
    memoryBytes: number;
    largestBufferBytes: number;
}

export interface PlanOptions {
    /** One linear contraction path per term; a missing or unusable one falls back to greedy. */
    paths?: (number[][] | undefined)[];
    densePatterns?: boolean;
    /**
     * Read an operand of a matrix product through its pattern gather instead of writing the
     * gathered tensor first (default true; false gives the explicit unfold).
     */
    implicitGemm?: boolean;
}

/** A network this runtime cannot plan; the message says which part. */
export class PlanError extends Error {}

interface DenseValue {
    buffer: number;
    indices: string[];
}

interface PatternFactor {
    spec: PatternSpec;
    indices: [string, string, string];
    name: string;
}

/** An intermediate: a dense part (absent for a product of patterns only) and patterns not yet applied. */
interface Value {
    dense?: DenseValue;
    patterns: PatternFactor[];
}

export function buildPlan(network: Network, options: PlanOptions = {}): Plan {
    return new Planner(network, options).build();
}

interface PathItem {
    indices: Set<string>;
    pattern: boolean;
    members: Set<number>;
}

function pathItems(term: Term): PathItem[] {
    return term.operands.map((operand, position) => ({
        indices: new Set(operand.indices),
        pattern: operand.source.kind === 'pattern',
        members: new Set([position]),
    }));
}

function merge(items: PathItem[], a: number, b: number): number[] {
    const [low, high] = a < b ? [a, b] : [b, a];
    const merged: PathItem = {
        indices: new Set([...items[low]!.indices, ...items[high]!.indices]),
        pattern: items[low]!.pattern && items[high]!.pattern,
        members: new Set([...items[low]!.members, ...items[high]!.members]),
    };
    items.splice(high, 1);
    items.splice(low, 1);
    items.push(merged);
    return [low, high];
}

/** Greedy over what is left: the pair with the smallest result first, patterns never paired alone. */
function greedyRest(
    items: PathItem[],
    sizes: Record<string, number>,
    output: string[],
): number[][] {
    const path: number[][] = [];
    while (items.length > 1) {
        let best: [number, number] = [0, 1];
        let bestCost = Infinity;
        for (let a = 0; a < items.length; a++) {
            for (let b = a + 1; b < items.length; b++) {
                const needed = new Set(output);
                items.forEach((item, index) => {
                    if (index !== a && index !== b) item.indices.forEach((i) => needed.add(i));
                });
                const union = new Set([...items[a]!.indices, ...items[b]!.indices]);
                const shared = [...items[a]!.indices].some((i) => items[b]!.indices.has(i));
                let cost = 1;
                for (const index of union) if (needed.has(index)) cost *= sizes[index] ?? 1;
                if (items[a]!.pattern && items[b]!.pattern) cost = cost * 1e6 + 1e18;
                if (!shared) cost = cost * 1e3 + 1e15;
                if (cost < bestCost) {
                    bestCost = cost;
                    best = [a, b];
                }
            }
        }
        path.push(merge(items, ...best));
    }
    return path;
}

/** The runtime's own path when the cost model gives none: greedy by result size. */
export function greedyPath(
    term: Term,
    sizes: Record<string, number>,
    output: string[],
): number[][] {
    return greedyRest(pathItems(term), sizes, output);
}

/**
 * The unfold-then-matmul path: every pattern first meets the tensor that holds its input index
 * (an explicit unfold, im2col), then greedy for the rest.
 */
export function unfoldPath(
    term: Term,
    sizes: Record<string, number>,
    output: string[],
): number[][] {
    const items = pathItems(term);
    const path: number[][] = [];
    term.operands.forEach((operand, position) => {
        if (operand.source.kind !== 'pattern') return;
        const input = operand.indices[0]!;
        const holder = term.operands.findIndex(
            (other) => other.source.kind === 'tensor' && other.indices.includes(input),
        );
        if (holder < 0) return;
        const a = items.findIndex((item) => item.members.has(position));
        const b = items.findIndex((item) => item.members.has(holder));
        if (a !== b) path.push(merge(items, a, b));
    });
    return [...path, ...greedyRest(items, sizes, output)];
}

function validPath(path: number[][] | undefined, count: number): boolean {
    if (path === undefined) return false;
    let live = count;
    for (const step of path) {
        if (step.length < 1 || new Set(step).size !== step.length) return false;
        if (
            step.some((position) => !Number.isInteger(position) || position < 0 || position >= live)
        )
            return false;
        live = live - step.length + 1;
    }
    return live <= 1;
}

function strides(shape: readonly number[]): number[] {
    const result = new Array<number>(shape.length).fill(1);
    for (let axis = shape.length - 2; axis >= 0; axis--) {
        result[axis] = result[axis + 1]! * shape[axis + 1]!;
    }
    return result;
}

function list(indices: readonly string[]): string {
    return `[${indices.join(',')}]`;
}

class Planner {
    private readonly buffers: PlanBuffer[] = [];
    private readonly steps: Step[] = [];
    private readonly inputs: PlanInput[] = [];
    private readonly sizes: Record<string, number>;
    private readonly bytes: number;
    private one?: number;

    constructor(
        private readonly network: Network,
        private readonly options: PlanOptions,
    ) {
        this.sizes = network.sizes;
        this.bytes = BYTES_PER_ELEMENT[network.output.dtype];
    }

    build(): Plan {
        const network = this.network;
        const outputIndices = network.output.indices;
        if (new Set(outputIndices).size !== outputIndices.length) {
            throw new PlanError(
                `${network.name}: an index repeated on the left side (${list(outputIndices)}) ` +
                    'is not supported by the runtime',
            );
        }
        for (const index of outputIndices) this.size(index);
        const outputShape = network.output.indices.map((index) => this.size(index));
        const output = this.buffer(elementCount(outputShape), 'output');
        if (network.terms.length === 0) {
            this.steps.push(this.fill(output, 0));
        }
        network.terms.forEach((term, position) => {
            const value = this.term(term, position);
            const dense = this.absorb(value.dense ?? this.scalarOne(), value.patterns, term.output);
            const target = `${network.name}${list(outputIndices)}`;
            const scaled = term.scale !== 1 ? ` × ${term.scale}` : '';
            if (
                this.fuse(
                    dense,
                    outputIndices,
                    output,
                    term.scale,
                    position > 0,
                    `→ ${target}${scaled}`,
                )
            ) {
                return;
            }
            this.steps.push(
                this.gather(
                    dense,
                    [],
                    outputIndices,
                    output,
                    term.scale,
                    position > 0,
                    `${network.terms.length > 1 ? `term ${position + 1}: ` : ''}` +
                        `write ${network.name}${list(outputIndices)}` +
                        (term.scale !== 1 ? ` × ${term.scale}` : ''),
                ),
            );
        });
        const bufferBytes = this.buffers.map((buffer) => buffer.elements * this.bytes);
        return {
            name: network.name,
            dtype: network.output.dtype,
            buffers: this.buffers,
            steps: this.steps,
            inputs: this.inputs,
            output: {
                buffer: output,
                shape: network.output.axes.map((axis) => this.product(axis)),
            },
            flops: this.steps.reduce((sum, step) => sum + step.flops, 0),
            memoryBytes: bufferBytes.reduce((sum, bytes) => sum + bytes, 0),
            largestBufferBytes: Math.max(0, ...bufferBytes),
        };
    }

    private size(index: string): number {
        const size = this.sizes[index];
        if (size === undefined || !Number.isInteger(size) || size < 1) {
            throw new PlanError(`${this.network.name}: index ${index} has no valid size`);
        }
        return size;
    }

    private product(indices: readonly string[]): number {
        return indices.reduce((product, index) => product * this.size(index), 1);
    }

    private buffer(elements: number, kind: PlanBuffer['kind'], name?: string): number {
        const id = this.buffers.length;
        this.buffers.push(
            name === undefined ? { id, elements, kind } : { id, elements, kind, name },
        );
        return id;
    }

    private fill(dst: number, value: number): FillStep {
        const elements = this.buffers[dst]!.elements;
        return {
            kind: 'fill',
            label: `fill ${value}`,
            dst,
            value,
            flops: 0,
            bytes: elements * this.bytes,
        };
    }

    private scalarOne(): DenseValue {
        if (this.one === undefined) {
            this.one = this.buffer(1, 'constant');
            this.steps.push(this.fill(this.one, 1));
        }
        return { buffer: this.one, indices: [] };
    }

    private input(name: string, indices: string[], shape: number[], dtype: DType): DenseValue {
        let input = this.inputs.find((candidate) => candidate.name === name);
        if (input === undefined) {
            input = { name, buffer: this.buffer(elementCount(shape), 'input', name), shape, dtype };
            this.inputs.push(input);
        } else if (input.shape.join() !== shape.join()) {
            throw new PlanError(
                `${this.network.name}: tensor ${name} is used with shapes [${input.shape}] and [${shape}]`,
            );
        }
        return { buffer: input.buffer, indices };
    }

    private term(term: Term, position: number): Value {
        const values: Value[] = term.operands.map((operand) => {
            for (const index of operand.indices) this.size(index);
            const shape = operand.axes.map((axis) => this.product(axis));
            if (operand.source.kind === 'tensor') {
                return {
                    dense: this.input(operand.source.tensor, operand.indices, shape, operand.dtype),
                    patterns: [],
                };
            }
            const spec = operand.source.pattern;
            if (operand.indices.length !== 3) {
                throw new PlanError(
                    `${this.network.name}: pattern ${operand.name} needs 3 indices`,
                );
            }
            const indices = operand.indices as [string, string, string];
            if (this.options.densePatterns === true) {
                const dst = this.buffer(spec.input * spec.output * spec.kernel, 'constant');
                this.steps.push({
                    kind: 'pattern',
                    label: `dense pattern ${operand.name}${list(indices)}`,
                    dst,
                    pattern: spec,
                    flops: 0,
                    bytes: spec.input * spec.output * spec.kernel * this.bytes,
                });
                return { dense: { buffer: dst, indices }, patterns: [] };
            }
            return { patterns: [{ spec, indices, name: operand.name }] };
        });
        if (values.length === 0) return { dense: this.scalarOne(), patterns: [] };

        const given = this.options.paths?.[position];
        const path = validPath(given, values.length)
            ? given!
            : greedyPath(term, this.sizes, term.output);
        const live = [...values];
        for (const step of path) {
            const picked = [...step]
                .sort((a, b) => b - a)
                .map((index) => live.splice(index, 1)[0]!);
            picked.reverse();
            let result = picked[0]!;
            for (let next = 1; next < picked.length; next++) {
                const needed = new Set(term.output);
                for (const other of [...live, ...picked.slice(next + 1)]) {
                    for (const index of this.valueIndices(other)) needed.add(index);
                }
                result = this.contract(result, picked[next]!, needed);
            }
            live.push(result);
        }
        // A path that leaves several operands (a partial one) ends with a left-to-right product.
        let result = live[0]!;
        for (let next = 1; next < live.length; next++) {
            const needed = new Set(term.output);
            for (const other of live.slice(next + 1)) {
                for (const index of this.valueIndices(other)) needed.add(index);
            }
            result = this.contract(result, live[next]!, needed);
        }
        return result;
    }

    private valueIndices(value: Value): Set<string> {
        const indices = new Set(value.dense?.indices ?? []);
        for (const pattern of value.patterns)
            pattern.indices.forEach((index) => indices.add(index));
        return indices;
    }

    /**
     * Contracts two intermediates, keeping the indices in `needed` (used later or in the output).
     * A pattern that meets a weight is applied by a gather that the matrix product then reads in
     * place (an implicit GEMM, see `takeView`). FIXME: only a gather that sums nothing can be read
     * in place; one that also sums an index is still written to a temporary first.
     */
    private contract(a: Value, b: Value, needed: Set<string>): Value {
        const patterns = [...a.patterns, ...b.patterns];
        if (a.dense === undefined && b.dense === undefined) return { patterns };
        if (a.dense === undefined || b.dense === undefined) {
            const dense = (a.dense ?? b.dense)!;
            return this.absorbTouching(dense, patterns, needed);
        }
        // Each pattern goes to the side that holds its input index, else to a side it touches.
        const left: PatternFactor[] = [];
        const right: PatternFactor[] = [];
        const rest: PatternFactor[] = [];
        const inA = new Set(a.dense.indices);
        const inB = new Set(b.dense.indices);
        for (const pattern of patterns) {
            const [input] = pattern.indices;
            if (inA.has(input)) left.push(pattern);
            else if (inB.has(input)) right.push(pattern);
            else if (pattern.indices.some((index) => inA.has(index))) left.push(pattern);
            else if (pattern.indices.some((index) => inB.has(index))) right.push(pattern);
            else rest.push(pattern);
        }
        const restIndices = rest.flatMap((pattern) => pattern.indices);
        const keepA = new Set([
            ...needed,
            ...restIndices,
            ...inB,
            ...right.flatMap((p) => p.indices),
        ]);
        const denseA = this.absorb(a.dense, left, keepA);
        const keepB = new Set([...needed, ...restIndices, ...denseA.indices]);
        const denseB = this.absorb(b.dense, right, keepB);
        const dense = this.gemm(denseA, denseB, new Set([...needed, ...restIndices]));
        return { dense, patterns: rest };
    }

    private absorbTouching(
        dense: DenseValue,
        patterns: PatternFactor[],
        needed: Set<string>,
    ): Value {
        const present = new Set(dense.indices);
        const touching = patterns.filter((p) => p.indices.some((index) => present.has(index)));
        const rest = patterns.filter((pattern) => !touching.includes(pattern));
        const keep = new Set([...needed, ...rest.flatMap((pattern) => pattern.indices)]);
        return { dense: this.absorb(dense, touching, keep), patterns: rest };
    }

    /** Applies patterns to a dense tensor by gathers, as many at once as can share one kernel. */
    private absorb(
        dense: DenseValue,
        patterns: PatternFactor[],
        needed: Iterable<string>,
    ): DenseValue {
        const keep = new Set(needed);
        let current = dense;
        let pending = [...patterns];
        while (pending.length > 0) {
            const chosen: PatternFactor[] = [];
            const determined = new Set<string>();
            for (const pattern of pending) {
                if (pattern.indices.some((index) => determined.has(index))) continue;
                const others = new Set(chosen.flatMap((p) => p.indices));
                const candidate = this.determinedIndex(pattern, others, keep);
                if (candidate === undefined) continue;
                chosen.push(pattern);
                determined.add(candidate);
            }
            if (chosen.length === 0) chosen.push(pending[0]!);
            pending = pending.filter((pattern) => !chosen.includes(pattern));
            const stepKeep = new Set([...keep, ...pending.flatMap((pattern) => pattern.indices)]);
            const out = this.outputOrder(current, chosen, stepKeep);
            const dst = this.buffer(this.product(out), 'temp');
            const names = chosen.map((pattern) => pattern.name).join('·');
            this.steps.push(
                this.gather(current, chosen, out, dst, 1, false, `gather ${names} → ${list(out)}`),
            );
            current = { buffer: dst, indices: out };
        }
        return current;
    }

    /** The index a pattern's equation solves for: never one shared with `others`, and not kept if possible. */
    private determinedIndex(
        pattern: PatternFactor,
        others: Set<string>,
        keep: Set<string>,
    ): string | undefined {
        const coefficients = this.coefficients(pattern);
        const candidates = [...new Set(pattern.indices)].filter(
            (index) => coefficients.get(index) !== 0 && !others.has(index),
        );
        candidates.sort(
            (x, y) => Number(keep.has(x)) - Number(keep.has(y)) || this.size(y) - this.size(x),
        );
        return candidates[0];
    }

    /** `i - S*o - D*k` as coefficients per index (summed where a pattern repeats an index). */
    private coefficients(pattern: PatternFactor): Map<string, number> {
        const [i, o, k] = pattern.indices;
        const result = new Map<string, number>();
        const add = (index: string, value: number): void => {
            result.set(index, (result.get(index) ?? 0) + value);
        };
        add(i, 1);
        add(o, -pattern.spec.stride);
        add(k, -pattern.spec.dilation);
        return result;
    }

    /** Kept indices of a gather's result, in the order they first appear in its operands. */
    private outputOrder(dense: DenseValue, patterns: PatternFactor[], keep: Set<string>): string[] {
        const order: string[] = [];
        for (const index of [...dense.indices, ...patterns.flatMap((pattern) => pattern.indices)]) {
            if (keep.has(index) && !order.includes(index)) order.push(index);
        }
        return order;
    }

    private gather(
        src: DenseValue,
        patterns: PatternFactor[],
        out: readonly string[],
        dst: number,
        scale: number,
        accumulate: boolean,
        label: string,
    ): GatherStep {
        const srcShape = src.indices.map((index) => this.size(index));
        const srcStrideOf = new Map<string, number>();
        strides(srcShape).forEach((stride, axis) => {
            const index = src.indices[axis]!;
            srcStrideOf.set(index, (srcStrideOf.get(index) ?? 0) + stride);
        });

        const determined = new Map<PatternFactor, string>();
        const taken = new Set<string>();
        const keep = new Set(out);
        for (const pattern of patterns) {
            const others = new Set(patterns.filter((p) => p !== pattern).flatMap((p) => p.indices));
            for (const index of taken) others.add(index);
            const index = this.determinedIndex(pattern, others, keep);
            if (index === undefined)
                throw new PlanError(`internal: no index to solve ${pattern.name} for`);
            determined.set(pattern, index);
            taken.add(index);
        }

        const all: string[] = [];
        for (const index of [...src.indices, ...patterns.flatMap((pattern) => pattern.indices)]) {
            if (!all.includes(index)) all.push(index);
        }
        const summed = all.filter((index) => !keep.has(index) && !taken.has(index));
        const free = [...out, ...summed];
        const position = new Map(free.map((index, at) => [index, at]));
        // A solved index reaches the source through its constraint, not as a free coordinate.
        const srcStrides = free.map((index) =>
            taken.has(index) ? 0 : (srcStrideOf.get(index) ?? 0),
        );

        const constraints: Constraint[] = patterns.map((pattern) => {
            const solved = determined.get(pattern)!;
            const coefficients = this.coefficients(pattern);
            const own = coefficients.get(solved)!;
            // own*solved + Σ others + Pl = 0, so solved = (-Pl - Σ others) / own.
            const sign = own > 0 ? -1 : 1;
            const coefs = new Array<number>(free.length).fill(0);
            for (const [index, coefficient] of coefficients) {
                if (index !== solved) coefs[position.get(index)!]! += sign * coefficient;
            }
            return {
                base: sign * pattern.spec.padLeft,
                coefs,
                divisor: Math.abs(own),
                size: this.size(solved),
                check: out.indexOf(solved),
                srcStride: srcStrideOf.get(solved) ?? 0,
            };
        });
        const outShape = out.map((index) => this.size(index));
        const sumShape = summed.map((index) => this.size(index));
        const outElements = elementCount(outShape);
        const points = outElements * elementCount(sumShape);
        return {
            kind: 'gather',
            label,
            src: src.buffer,
            dst,
            outShape,
            sumShape,
            srcOffset: 0,
            srcStrides,
            constraints,
            scale,
            accumulate,
            flops: sumShape.length > 0 ? points : 0,
            bytes:
                (Math.min(points, this.buffers[src.buffer]!.elements) + outElements) * this.bytes,
        };
    }

    /** A batched matrix product; an operand is first gathered into shape when its layout does not fit. */
    private gemm(a: DenseValue, b: DenseValue, needed: Set<string>): DenseValue {
        const inB = new Set(b.indices);
        const inA = new Set(a.indices);
        const uniqueA = [...new Set(a.indices)];
        const uniqueB = [...new Set(b.indices)];
        const batch = uniqueA.filter((index) => inB.has(index) && needed.has(index));
        const contracted = uniqueA.filter((index) => inB.has(index) && !needed.has(index));
        const left = uniqueA.filter((index) => !inB.has(index) && needed.has(index));
        const right = uniqueB.filter((index) => !inA.has(index) && needed.has(index));

        const layoutA = this.groupStrides(a, [batch, left, contracted], false);
        const operandA =
            layoutA === undefined ? this.relayout(a, [...batch, ...left, ...contracted]) : a;
        const stridesA = layoutA ?? this.groupStrides(operandA, [batch, left, contracted], false)!;
        const layoutB = this.groupStrides(b, [batch, contracted, right], true);
        const operandB =
            layoutB === undefined ? this.relayout(b, [...batch, ...contracted, ...right]) : b;
        const stridesB = layoutB ?? this.groupStrides(operandB, [batch, contracted, right], true)!;

        const out = [...batch, ...left, ...right];
        const [sizeBatch, m, n, k] = [batch, left, right, contracted].map((group) =>
            this.product(group),
        ) as [number, number, number, number];
        const dst = this.buffer(sizeBatch * m * n, 'temp');
        const aView = this.takeView(operandA);
        const bView = this.takeView(operandB);
        const implicit = [aView, bView].some((view) => view !== undefined) ? 'implicit ' : '';
        const step: GemmStep = {
            kind: 'gemm',
            label: `${implicit}matmul ${list(operandA.indices)}×${list(operandB.indices)} → ${list(out)}`,
            a: operandA.buffer,
            b: operandB.buffer,
            dst,
            batch: sizeBatch,
            m,
            n,
            k,
            aStrides: stridesA,
            bStrides: stridesB,
            flops: 2 * sizeBatch * m * n * k,
            bytes: sizeBatch * (m * k + k * n + m * n) * this.bytes,
        };
        if (aView !== undefined) step.aView = aView;
        if (bView !== undefined) step.bView = bView;
        this.steps.push(step);
        return { buffer: dst, indices: out };
    }

    /**
     * When `value` was just written by a pure pattern gather that nothing else reads, removes that
     * step and returns it as a view for the matrix product to read through.
     */
    private takeView(value: DenseValue): GatherView | undefined {
        if (this.options.implicitGemm === false) return undefined;
        const at = this.steps.findIndex((step) => step.dst === value.buffer);
        const producer = this.steps[at];
        if (producer?.kind !== 'gather' || this.buffers[value.buffer]!.kind !== 'temp')
            return undefined;
        if (producer.sumShape.length > 0 || producer.constraints.length === 0) return undefined;
        if (producer.scale !== 1 || producer.accumulate) return undefined;
        const read = this.steps
            .slice(at + 1)
            .some((step) =>
                step.kind === 'gather'
                    ? step.src === value.buffer
                    : step.kind === 'gemm' && (step.a === value.buffer || step.b === value.buffer),
            );
        if (read) return undefined;
        this.steps.splice(at, 1);
        this.buffers[value.buffer]!.elements = 0;
        return {
            src: producer.src,
            outShape: producer.outShape,
            srcOffset: producer.srcOffset,
            srcStrides: producer.srcStrides,
            constraints: producer.constraints,
        };
    }

    private relayout(value: DenseValue, order: string[]): DenseValue {
        const label = `→ ${list(order)}`;
        if (this.fuse(value, order, undefined, 1, false, label))
            return { buffer: value.buffer, indices: order };
        const dst = this.buffer(this.product(order), 'temp');
        this.steps.push(this.gather(value, [], order, dst, 1, false, `arrange → ${list(order)}`));
        return { buffer: dst, indices: order };
    }

    /**
     * Rewrites the gather that produced `value` so that it writes `order` (a permutation of its
     * indices) straight into `dst` (or its own buffer), saving a pass over memory. Only a temporary
     * written by one plain gather and read by nothing yet qualifies.
     */
    private fuse(
        value: DenseValue,
        order: string[],
        dst: number | undefined,
        scale: number,
        accumulate: boolean,
        label: string,
    ): boolean {
        const at = this.steps.findIndex((step) => step.dst === value.buffer);
        const producer = this.steps[at];
        if (producer?.kind !== 'gather' || this.buffers[value.buffer]!.kind !== 'temp')
            return false;
        if (producer.scale !== 1 || producer.accumulate) return false;
        const readers = this.steps
            .slice(at + 1)
            .some((step) =>
                step.kind === 'gather'
                    ? step.src === value.buffer
                    : step.kind === 'gemm' && (step.a === value.buffer || step.b === value.buffer),
            );
        const old = value.indices;
        if (readers || new Set(old).size !== old.length || old.length !== order.length)
            return false;
        if (!order.every((index) => old.includes(index))) return false;
        const permutation = order.map((index) => old.indexOf(index));
        const permute = (values: number[]): number[] => [
            ...permutation.map((from) => values[from]!),
            ...values.slice(old.length),
        ];
        producer.outShape = permutation.map((from) => producer.outShape[from]!);
        producer.srcStrides = permute(producer.srcStrides);
        for (const constraint of producer.constraints) {
            constraint.coefs = permute(constraint.coefs);
            if (constraint.check >= 0) constraint.check = permutation.indexOf(constraint.check);
        }
        producer.label = producer.label.replace(/ → .*$/, '') + ` ${label}`;
        if (dst !== undefined) {
            this.buffers[value.buffer]!.elements = 0;
            producer.dst = dst;
            producer.scale = scale;
            producer.accumulate = accumulate;
        }
        return true;
    }

    /**
     * The strides of three index groups when the operand's layout already has each group as a
     * contiguous row-major run in the given order (the last group innermost when `lastInner`), else
     * undefined. An operand with a repeated index or an index outside the groups never fits.
     */
    private groupStrides(
        value: DenseValue,
        groups: string[][],
        lastInner: boolean,
    ): [number, number, number] | undefined {
        const indices = value.indices;
        const all = groups.flat();
        if (new Set(indices).size !== indices.length || indices.length !== all.length)
            return undefined;
        if (!all.every((index) => indices.includes(index))) return undefined;
        const layout = strides(indices.map((index) => this.size(index)));
        const result: number[] = [];
        for (const group of groups) {
            if (group.length === 0) {
                result.push(0);
                continue;
            }
            const start = indices.indexOf(group[0]!);
            if (group.some((index, offset) => indices[start + offset] !== index)) return undefined;
            result.push(layout[start + group.length - 1]!);
        }
        if (lastInner && groups[2]!.length > 0 && indices.at(-1) !== groups[2]!.at(-1)) {
            return undefined;
        }
        return result as [number, number, number];
    }
}
