/**
 * Searches over subsets of a term's operands. The cost of contracting a subset into one tensor
 * does not depend on the order of its steps, only on its tree, so the best tree of every subset
 * follows from the best trees of its parts: `dynamicProgramming` over connected subsets with a
 * rising cost cap (Pfeifer, Haegeman and Verstraete, Phys. Rev. E 90, 033315, 2014), and
 * `exhaustive` over every split of every subset, outer products included, which is optimal.
 */
import { type SearchResult, shareAnIndex } from './greedy';
import {
    type Cost,
    type Node,
    type Pairing,
    type Problem,
    SsaPath,
    ZERO_COST,
    combineCost,
    isBetter,
    now,
    pairUp,
} from './problem';

/** Thrown inside a search when its deadline passes; caught at its entry. */
class OutOfTime extends Error {}

interface Entry<M> {
    cost: Cost;
    node: Node;
    /** The two parts and how they were paired; absent for a single input. */
    left?: M;
    right?: M;
    pairing?: Pairing;
}

/** Sets of inputs: plain numbers up to 30 inputs, bigints beyond. */
interface Masks<M> {
    zero: M;
    bit(k: number): M;
    or(a: M, b: M): M;
    /** Whether `a & ~b` has a member (for `b` = a subset: whether `a` reaches outside it). */
    outside(a: M, b: M): boolean;
    disjoint(a: M, b: M): boolean;
    less(a: M, b: M): boolean;
    lowest(a: M): number;
}

const NUMBER_MASKS: Masks<number> = {
    zero: 0,
    bit: (k) => 1 << k,
    or: (a, b) => a | b,
    outside: (a, b) => (a & ~b) !== 0,
    disjoint: (a, b) => (a & b) === 0,
    less: (a, b) => a < b,
    lowest: (a) => 31 - Math.clz32(a & -a),
};

const BIGINT_MASKS: Masks<bigint> = {
    zero: 0n,
    bit: (k) => 1n << BigInt(k),
    or: (a, b) => a | b,
    outside: (a, b) => (a & ~b) !== 0n,
    disjoint: (a, b) => (a & b) === 0n,
    less: (a, b) => a < b,
    lowest: (a) => {
        let position = 0;
        while (((a >> BigInt(position)) & 1n) === 0n) position++;
        return position;
    },
};

function components<M>(problem: Problem, masks: Masks<M>): M[] {
    const n = problem.inputs.length;
    const parent = problem.inputs.map((_, k) => k);
    const find = (k: number): number => {
        while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
        return k;
    };
    const firstCarrier = new Map<number, number>();
    problem.inputs.forEach((node, k) => {
        for (const id of node.ids) {
            const first = firstCarrier.get(id);
            if (first === undefined) firstCarrier.set(id, k);
            else parent[find(k)] = find(first);
        }
    });
    const sets = new Map<number, M>();
    for (let k = 0; k < n; k++) {
        const root = find(k);
        sets.set(root, masks.or(sets.get(root) ?? masks.zero, masks.bit(k)));
    }
    return [...sets.values()];
}

/**
 * Pfeifer et al.'s dynamic programme: builds connected subsets level by level, keeping only those
 * whose cost stays under a cap that rises until every component is contracted; the components are
 * then joined by outer products, smallest first. Incomplete when the deadline passes.
 */
export function dynamicProgramming(problem: Problem, bound: Cost): Exhaustive {
    const n = problem.inputs.length;
    if (n < 2) return { complete: true };
    const result =
        n <= 30 ? programme(problem, bound, NUMBER_MASKS) : programme(problem, bound, BIGINT_MASKS);
    if (result === OUT_OF_TIME) return { complete: false };
    return result === undefined ? { complete: true } : { result, complete: true };
}

function programme<M>(
    problem: Problem,
    bound: Cost,
    masks: Masks<M>,
): SearchResult | undefined | typeof OUT_OF_TIME {
    const n = problem.inputs.length;
    const carriers = problem.indexSizes.map(() => masks.zero);
    problem.inputs.forEach((node, k) => {
        for (const id of node.ids) carriers[id] = masks.or(carriers[id]!, masks.bit(k));
    });
    const parts = components(problem, masks);
    // Rounds under the optimum are cheap but each redoes the last: start near the bound and
    // rise fast, so that a cost range of many orders of magnitude takes a few rounds.
    const factor = 8;
    let cap = Math.max(1, ...problem.inputs.map((node) => node.size), bound.primary / 512);
    let ticks = 0;

    try {
        for (;;) {
            const last = !(cap < bound.primary);
            if (last) cap = bound.primary;
            const best = round(cap);
            if (parts.every((part) => best.has(part))) return assemble(best);
            if (last) return undefined;
            cap *= factor;
        }
    } catch (error) {
        if (error instanceof OutOfTime) return OUT_OF_TIME;
        throw error;
    }

    function round(limit: number): Map<M, Entry<M>> {
        const best = new Map<M, Entry<M>>();
        const levels: M[][] = [[]];
        levels.push(
            problem.inputs.map((node, k) => {
                const set = masks.bit(k);
                best.set(set, { cost: ZERO_COST, node });
                return set;
            }),
        );
        for (let m = 2; m <= n; m++) {
            const level: M[] = [];
            for (let k = 1; 2 * k <= m; k++) {
                for (const s1 of levels[k]!) {
                    const e1 = best.get(s1)!;
                    for (const s2 of levels[m - k]!) {
                        if (++ticks % 64 === 0 && now() > problem.deadline) throw new OutOfTime();
                        if (2 * k === m && !masks.less(s1, s2)) continue;
                        if (!masks.disjoint(s1, s2)) continue;
                        const e2 = best.get(s2)!;
                        if (!shareAnIndex(e1.node.ids, e2.node.ids)) continue;
                        const before = combineCost(problem.objective, e1.cost, e2.cost);
                        if (before.primary > limit) continue;
                        const union = masks.or(s1, s2);
                        const pairing = pairUp(
                            problem,
                            e1.node,
                            e2.node,
                            (id) => problem.inOutput[id]! || masks.outside(carriers[id]!, union),
                            before,
                        );
                        const cost = combineCost(problem.objective, before, pairing.cost);
                        if (cost.primary > limit) continue;
                        const existing = best.get(union);
                        if (existing === undefined) level.push(union);
                        if (existing === undefined || isBetter(cost, existing.cost)) {
                            best.set(union, {
                                cost,
                                node: pairing.result,
                                left: s1,
                                right: s2,
                                pairing,
                            });
                        }
                    }
                }
            }
            levels.push(level);
        }
        return best;
    }

    function assemble(best: Map<M, Entry<M>>): SearchResult {
        const path = new SsaPath(n);
        const build = (set: M): number => {
            const entry = best.get(set)!;
            if (entry.pairing === undefined) return masks.lowest(set);
            return path.pair(build(entry.left!), build(entry.right!), entry.pairing);
        };
        let total = ZERO_COST;
        const pieces = parts
            .map((part) => {
                const entry = best.get(part)!;
                total = combineCost(problem.objective, total, entry.cost);
                return { ssa: build(part), node: entry.node };
            })
            .sort((a, b) => a.node.size - b.node.size);
        while (pieces.length > 1) {
            const [a, b] = pieces.splice(0, 2) as [(typeof pieces)[0], (typeof pieces)[0]];
            const pairing = pairUp(problem, a.node, b.node, (id) => problem.inOutput[id]!, total);
            total = combineCost(problem.objective, total, pairing.cost);
            const piece = { ssa: path.pair(a.ssa, b.ssa, pairing), node: pairing.result };
            const at = pieces.findIndex((other) => other.node.size > piece.node.size);
            pieces.splice(at < 0 ? pieces.length : at, 0, piece);
        }
        return { ssa: path.steps, cost: total };
    }
}

/** Beyond this many operands, 3^n splits cannot be searched in any budget worth waiting for. */
export const EXHAUSTIVE_LIMIT = 20;

// FIXME: each subset keeps one best tree, which is exact for summed objectives and for the largest
// intermediate of `size`, but not for the FLOPs that break `size`'s ties (a tree with a larger
// maximum and fewer FLOPs may be dropped though the whole path's maximum hides the difference).

/** What a search found: its best path if it beats the bound; whether it finished. */
export interface Exhaustive {
    result?: SearchResult;
    complete: boolean;
}

/**
 * Every split of every subset, in increasing order of subsets, keeping only subsets that cost
 * less than `bound` (a path to beat). When complete, no path costs less than the result (or the
 * bound, when there is no result).
 */
export function exhaustive(
    problem: Problem,
    bound: Cost,
    options: { indexLists?: boolean } = {},
): Exhaustive {
    const n = problem.inputs.length;
    if (n < 2 || n > EXHAUSTIVE_LIMIT) return { complete: n < 2 };
    const result =
        problem.indexSizes.length <= 31 && options.indexLists !== true
            ? exhaustiveByMasks(problem, bound)
            : exhaustiveByLists(problem, bound);
    if (result === OUT_OF_TIME) return { complete: false };
    return result === undefined ? { complete: true } : { result, complete: true };
}

const OUT_OF_TIME = 'out of time';

/** The same search with index sets as 31-bit masks: no allocation inside the loop. */
function exhaustiveByMasks(
    problem: Problem,
    bound: Cost,
): SearchResult | undefined | typeof OUT_OF_TIME {
    const n = problem.inputs.length;
    const full = 2 ** n - 1;
    const sizeOfBit = problem.indexSizes;
    const sizeOfMask = (mask: number): number => {
        let size = 1;
        while (mask !== 0) {
            const bit = mask & -mask;
            size *= sizeOfBit[31 - Math.clz32(bit)]!;
            mask ^= bit;
        }
        return size;
    };
    const maskOf = (ids: readonly number[]): number => ids.reduce((m, id) => m | (1 << id), 0);
    const inputMask = problem.inputs.map((node) => maskOf(node.ids));
    const reducedMask = problem.inputs.map((node) =>
        node.reduction === undefined ? 0 : maskOf(node.reduction.node.ids),
    );
    let outputMask = 0;
    problem.inOutput.forEach((kept, id) => {
        if (kept) outputMask |= 1 << id;
    });
    const inside = new Int32Array(full + 1);
    for (let set = 1; set <= full; set++) {
        const low = set & -set;
        inside[set] = inside[set ^ low]! | inputMask[31 - Math.clz32(low)]!;
    }
    // A subset's node: an input as given, else what its contraction keeps.
    const nodeMask = new Int32Array(full + 1);
    const density = new Float64Array(full + 1);
    const primary = new Float64Array(full + 1).fill(Infinity);
    const flops = new Float64Array(full + 1).fill(Infinity);
    const left = new Int32Array(full + 1);
    const variant = new Uint8Array(full + 1);
    problem.inputs.forEach((node, k) => {
        const set = 1 << k;
        nodeMask[set] = inputMask[k]!;
        density[set] = node.density;
        primary[set] = 0;
        flops[set] = 0;
    });
    const objective = problem.objective;
    const sum = objective.combine === 'sum';
    let ticks = 0;

    for (let set = 3; set <= full; set++) {
        const low = set & -set;
        if (low === set) continue;
        const keep = outputMask | inside[full ^ set]!;
        const kept = inside[set]! & keep;
        const keptSize = sizeOfMask(kept);
        let bestPrimary = bound.primary;
        let bestFlops = bound.flops;
        let found = false;
        for (let sub = (set - 1) & set; sub > 0; sub = (sub - 1) & set) {
            if (++ticks % 128 === 0 && now() > problem.deadline) return OUT_OF_TIME;
            if ((sub & low) === 0) continue;
            const other = set ^ sub;
            if (primary[sub] === Infinity || primary[other] === Infinity) continue;
            const beforePrimary = sum
                ? primary[sub]! + primary[other]!
                : Math.max(primary[sub]!, primary[other]!);
            const beforeFlops = flops[sub]! + flops[other]!;
            if (!(
                beforePrimary < bestPrimary ||
                (beforePrimary === bestPrimary && beforeFlops < bestFlops)
            )) {
                continue;
            }
            const subInput = (sub & (sub - 1)) === 0 ? 31 - Math.clz32(sub) : -1;
            const otherInput = (other & (other - 1)) === 0 ? 31 - Math.clz32(other) : -1;
            const canReduceA = subInput >= 0 && problem.inputs[subInput]!.reduction !== undefined;
            const canReduceB =
                otherInput >= 0 && problem.inputs[otherInput]!.reduction !== undefined;
            for (let choice = 0; choice < 4; choice++) {
                const reduceA = (choice & 1) !== 0;
                const reduceB = (choice & 2) !== 0;
                if ((reduceA && !canReduceA) || (reduceB && !canReduceB)) continue;
                let stepPrimary: number;
                let stepFlops: number;
                const a = reduceA ? reducedMask[subInput]! : nodeMask[sub]!;
                const b = reduceB ? reducedMask[otherInput]! : nodeMask[other]!;
                const da = reduceA ? 1 : density[sub]!;
                const db = reduceB ? 1 : density[other]!;
                const union = a | b;
                const summed = (union & keep) !== union;
                const loop = sizeOfMask(union);
                stepFlops = loop * (summed ? 2 : 1);
                stepPrimary = objective.step(stepFlops, stepFlops * da * db, keptSize);
                for (const [reduced, input] of [
                    [reduceA, subInput],
                    [reduceB, otherInput],
                ] as const) {
                    if (!reduced) continue;
                    const cost = problem.inputs[input]!.reduction!.cost;
                    stepPrimary = sum
                        ? stepPrimary + cost.primary
                        : Math.max(stepPrimary, cost.primary);
                    stepFlops += cost.flops;
                }
                const totalPrimary = sum
                    ? beforePrimary + stepPrimary
                    : Math.max(beforePrimary, stepPrimary);
                const totalFlops = beforeFlops + stepFlops;
                if (
                    totalPrimary < bestPrimary ||
                    (totalPrimary === bestPrimary && totalFlops < bestFlops)
                ) {
                    bestPrimary = totalPrimary;
                    bestFlops = totalFlops;
                    found = true;
                    left[set] = sub;
                    variant[set] = choice;
                    density[set] = summed ? 1 : da * db;
                }
            }
        }
        if (found) {
            primary[set] = bestPrimary;
            flops[set] = bestFlops;
            nodeMask[set] = kept;
        }
    }
    if (primary[full] === Infinity) return undefined;

    const path = new SsaPath(n);
    const build = (set: number): number => {
        if ((set & (set - 1)) === 0) return 31 - Math.clz32(set);
        const sub = left[set]!;
        const choice = variant[set]!;
        return path.pair(build(sub), build(set ^ sub), {
            reduceA: (choice & 1) !== 0,
            reduceB: (choice & 2) !== 0,
        });
    };
    build(full);
    return { ssa: path.steps, cost: { primary: primary[full]!, flops: flops[full]! } };
}

function exhaustiveByLists(
    problem: Problem,
    bound: Cost,
): SearchResult | undefined | typeof OUT_OF_TIME {
    const n = problem.inputs.length;
    const full = 2 ** n - 1;
    const carriers = problem.indexSizes.map(() => 0);
    problem.inputs.forEach((node, k) => {
        for (const id of node.ids) carriers[id]! |= 1 << k;
    });
    const nodes: (Node | undefined)[] = new Array(full + 1);
    const primary = new Float64Array(full + 1);
    const flops = new Float64Array(full + 1);
    const left = new Int32Array(full + 1);
    const pairings: (Pairing | undefined)[] = new Array(full + 1);
    problem.inputs.forEach((node, k) => (nodes[1 << k] = node));
    const objective = problem.objective;
    let ticks = 0;

    for (let set = 3; set <= full; set++) {
        const low = set & -set;
        if (low === set) continue;
        const outside = ~set;
        const keep = (id: number): boolean =>
            problem.inOutput[id]! || (carriers[id]! & outside) !== 0;
        let best = bound;
        let found = false;
        for (let sub = (set - 1) & set; sub > 0; sub = (sub - 1) & set) {
            if (++ticks % 128 === 0 && now() > problem.deadline) return OUT_OF_TIME;
            if ((sub & low) === 0) continue;
            const other = set ^ sub;
            const a = nodes[sub];
            const b = nodes[other];
            if (a === undefined || b === undefined) continue;
            const before = combineCost(
                objective,
                { primary: primary[sub]!, flops: flops[sub]! },
                { primary: primary[other]!, flops: flops[other]! },
            );
            if (!isBetter(before, best)) continue;
            const pairing = pairUp(problem, a, b, keep, before);
            const cost = combineCost(objective, before, pairing.cost);
            if (!isBetter(cost, best)) continue;
            best = cost;
            found = true;
            nodes[set] = pairing.result;
            primary[set] = cost.primary;
            flops[set] = cost.flops;
            left[set] = sub;
            pairings[set] = pairing;
        }
        if (!found) nodes[set] = undefined;
    }
    if (nodes[full] === undefined) return undefined;

    const path = new SsaPath(n);
    const build = (set: number): number => {
        const pairing = pairings[set];
        if (pairing === undefined) return 31 - Math.clz32(set);
        const sub = left[set]!;
        return path.pair(build(sub), build(set ^ sub), pairing);
    };
    build(full);
    return { ssa: path.steps, cost: { primary: primary[full]!, flops: flops[full]! } };
}
