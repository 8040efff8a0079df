/**
 * The search problem behind every path optimizer: a term's operands as sets of index ids, the
 * objective to minimise, and the cost of one pairwise contraction as the cost model counts it.
 */
import { type Term } from '../network/ir';
import { flopCount, operandDensity } from './model';

/** What a path search minimises: a per-step cost, summed or maximised, then FLOPs to break ties. */
export interface Objective {
    name: string;
    combine: 'sum' | 'max';
    step(flops: number, structuredFlops: number, resultSize: number): number;
}

export interface ObjectiveOptions {
    /** For `combo`: the FLOPs one element of an intermediate is worth. */
    memoryWeight?: number;
}

const objectiveFactories: Record<string, (options: ObjectiveOptions) => Objective> = {
    flops: () => ({ name: 'flops', combine: 'sum', step: (flops) => flops }),
    'structured-flops': () => ({
        name: 'structured-flops',
        combine: 'sum',
        step: (_flops, structured) => structured,
    }),
    size: () => ({ name: 'size', combine: 'max', step: (_f, _s, size) => size }),
    combo: (options) => {
        const weight = options.memoryWeight ?? 64;
        return {
            name: 'combo',
            combine: 'sum',
            step: (flops, _structured, size) => flops + weight * size,
        };
    },
};

export const OBJECTIVES = Object.keys(objectiveFactories);

export function makeObjective(name: string, options: ObjectiveOptions = {}): Objective {
    const factory = objectiveFactories[name];
    if (factory === undefined) {
        throw new Error(`unknown objective '${name}'; valid objectives: ${OBJECTIVES.join(', ')}`);
    }
    return factory(options);
}

/** A path's cost under an objective: the objective's value, then FLOPs. */
export interface Cost {
    primary: number;
    flops: number;
}

export const ZERO_COST: Cost = { primary: 0, flops: 0 };
export const INFINITE_COST: Cost = { primary: Infinity, flops: Infinity };

export function isBetter(a: Cost, b: Cost): boolean {
    return a.primary < b.primary || (a.primary === b.primary && a.flops < b.flops);
}

export function combineCost(objective: Objective, a: Cost, b: Cost): Cost {
    return {
        primary:
            objective.combine === 'sum' ? a.primary + b.primary : Math.max(a.primary, b.primary),
        flops: a.flops + b.flops,
    };
}

/** An operand during a search: an input, or the result of contracting a set of inputs. */
export interface Node {
    /** Sorted index ids. */
    ids: number[];
    size: number;
    /** Fraction of non-zeros: below 1 only for a pattern and its unsummed products. */
    density: number;
    /** For an input with indices no other operand or the output carries: summing them first. */
    reduction?: { node: Node; cost: Cost };
}

export interface Problem {
    term: Term;
    objective: Objective;
    indexNames: string[];
    indexSizes: number[];
    inputs: Node[];
    inOutput: boolean[];
    /** Deadline as a `performance.now()` value; searches return their best when it passes. */
    deadline: number;
}

export function sizeOf(ids: readonly number[], indexSizes: readonly number[]): number {
    let size = 1;
    for (const id of ids) size *= indexSizes[id]!;
    return size;
}

export function buildProblem(
    term: Term,
    sizes: Record<string, number>,
    objective: Objective,
    deadline: number,
): Problem {
    const idOf = new Map<string, number>();
    const indexSizes: number[] = [];
    const register = (index: string): number => {
        let id = idOf.get(index);
        if (id === undefined) {
            id = indexSizes.length;
            idOf.set(index, id);
            indexSizes.push(sizes[index] ?? 0);
        }
        return id;
    };
    const operandIds = term.operands.map((operand) => {
        const ids: number[] = [];
        for (const index of operand.indices) {
            const id = register(index);
            if (!ids.includes(id)) ids.push(id);
        }
        return ids.sort((a, b) => a - b);
    });
    for (const index of term.output) register(index);
    const inOutput = indexSizes.map(() => false);
    for (const index of term.output) inOutput[idOf.get(index)!] = true;
    const carriers = indexSizes.map(() => 0);
    for (const ids of operandIds) for (const id of ids) carriers[id]!++;

    const inputs = operandIds.map((ids, position): Node => {
        const density = operandDensity(term.operands[position]!);
        const node: Node = { ids, size: sizeOf(ids, indexSizes), density };
        const kept = ids.filter((id) => inOutput[id] || carriers[id]! > 1);
        if (kept.length < ids.length) {
            const flops = flopCount(node.size, 1, true);
            const reduced = { ids: kept, size: sizeOf(kept, indexSizes), density: 1 };
            const primary = objective.step(flops, flops * density, reduced.size);
            node.reduction = { node: reduced, cost: { primary, flops } };
        }
        return node;
    });
    return {
        term,
        objective,
        indexNames: [...idOf.keys()],
        indexSizes,
        inputs,
        inOutput,
        deadline,
    };
}

/** The best way to contract two operands, pre-summing an input's own indices where that pays. */
export interface Pairing {
    result: Node;
    /** The cost of this contraction alone, any pre-summing included. */
    cost: Cost;
    reduceA: boolean;
    reduceB: boolean;
    /** Whether the two share an index (else an outer product). */
    connected: boolean;
}

/**
 * Says whether an index of a pair lives on after their contraction (the output or some other
 * operand carries it); `carriers` is how many of the two carry it.
 */
export type Keep = (id: number, carriers: number) => boolean;

/** Contracts `a` with `b`, choosing whether to pre-sum either input's own indices. */
export function pairUp(
    problem: Problem,
    a: Node,
    b: Node,
    keep: Keep,
    before: Cost = ZERO_COST,
): Pairing {
    const direct = contractTwo(problem, a, b, keep);
    const pairing: Pairing = { ...direct, reduceA: false, reduceB: false };
    if (a.reduction === undefined && b.reduction === undefined) return pairing;
    const objective = problem.objective;
    // Variants compete on the path's cost so far plus theirs: under a maximum, a variant's own
    // larger value may vanish in the path's and leave fewer FLOPs.
    let bestTotal = combineCost(objective, before, pairing.cost);
    for (let choice = 1; choice < 4; choice++) {
        const reduceA = (choice & 1) !== 0;
        const reduceB = (choice & 2) !== 0;
        if ((reduceA && a.reduction === undefined) || (reduceB && b.reduction === undefined)) {
            continue;
        }
        const candidate = contractTwo(
            problem,
            reduceA ? a.reduction!.node : a,
            reduceB ? b.reduction!.node : b,
            keep,
        );
        let cost = candidate.cost;
        if (reduceA) cost = combineCost(objective, cost, a.reduction!.cost);
        if (reduceB) cost = combineCost(objective, cost, b.reduction!.cost);
        const total = combineCost(objective, before, cost);
        if (isBetter(total, bestTotal)) {
            bestTotal = total;
            pairing.result = candidate.result;
            pairing.cost = cost;
            pairing.reduceA = reduceA;
            pairing.reduceB = reduceB;
        }
    }
    return pairing;
}

function contractTwo(
    problem: Problem,
    a: Node,
    b: Node,
    keep: Keep,
): { result: Node; cost: Cost; connected: boolean } {
    const sizes = problem.indexSizes;
    const ids: number[] = [];
    let loop = 1;
    let summed = false;
    let connected = false;
    let i = 0;
    let j = 0;
    const x = a.ids;
    const y = b.ids;
    while (i < x.length || j < y.length) {
        let id: number;
        let carriers = 1;
        if (j >= y.length || (i < x.length && x[i]! < y[j]!)) {
            id = x[i++]!;
        } else if (i >= x.length || y[j]! < x[i]!) {
            id = y[j++]!;
        } else {
            id = x[i++]!;
            j++;
            carriers = 2;
            connected = true;
        }
        loop *= sizes[id]!;
        if (keep(id, carriers)) ids.push(id);
        else summed = true;
    }
    const flops = flopCount(loop, 2, summed);
    const density = a.density * b.density;
    const size = sizeOf(ids, sizes);
    const primary = problem.objective.step(flops, flops * density, size);
    return {
        result: { ids, size, density: summed ? 1 : density },
        cost: { primary, flops },
        connected,
    };
}

/** Builds a path in SSA form: inputs are 0..n-1, each step's result takes the next number. */
export class SsaPath {
    readonly steps: number[][] = [];
    private next: number;

    constructor(inputCount: number) {
        this.next = inputCount;
    }

    add(operands: number[]): number {
        this.steps.push(operands);
        return this.next++;
    }

    /** Records a pairing of two operands (pre-summing inputs as it says) and returns its id. */
    pair(a: number, b: number, pairing: { reduceA: boolean; reduceB: boolean }): number {
        const left = pairing.reduceA ? this.add([a]) : a;
        const right = pairing.reduceB ? this.add([b]) : b;
        return this.add([left, right]);
    }
}

/** Converts an SSA path to opt_einsum's linear format (positions in the current list). */
export function ssaToLinear(steps: readonly number[][], inputCount: number): number[][] {
    const current: number[] = [];
    for (let id = 0; id < inputCount; id++) current.push(id);
    let next = inputCount;
    return steps.map((step) => {
        const positions = step.map((id) => current.indexOf(id)).sort((a, b) => a - b);
        for (const position of [...positions].sort((a, b) => b - a)) current.splice(position, 1);
        current.push(next++);
        return positions;
    });
}

/** Pure-core clock: `performance` exists in Node, browsers and workers alike. */
export function now(): number {
    return performance.now();
}
