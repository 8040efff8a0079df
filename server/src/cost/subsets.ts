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

interface Entry {
    cost: Cost;
    node: Node;
    /** The two parts and how they were paired; absent for a single input. */
    left?: bigint;
    right?: bigint;
    pairing?: Pairing;
}

function inputOf(mask: bigint): number {
    let position = 0;
    while ((mask & 1n) === 0n) {
        mask >>= 1n;
        position++;
    }
    return position;
}

function components(problem: Problem): bigint[] {
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
    const masks = new Map<number, bigint>();
    for (let k = 0; k < n; k++) {
        const root = find(k);
        masks.set(root, (masks.get(root) ?? 0n) | (1n << BigInt(k)));
    }
    return [...masks.values()];
}

/**
 * Pfeifer et al.'s dynamic programme: builds connected subsets level by level, keeping only those
 * whose cost stays under a cap that rises until every component is contracted; the components are
 * then joined by outer products, smallest first. Returns undefined when the deadline passes.
 */
export function dynamicProgramming(problem: Problem, bound: Cost): SearchResult | undefined {
    const n = problem.inputs.length;
    if (n < 2) return undefined;
    const carriers = problem.indexSizes.map(() => 0n);
    problem.inputs.forEach((node, k) => {
        for (const id of node.ids) carriers[id]! |= 1n << BigInt(k);
    });
    const parts = components(problem);
    const smallest = Math.min(...problem.indexSizes.filter((size) => size > 1), 2);
    const factor = Math.max(2, smallest);
    let cap = Math.max(1, ...problem.inputs.map((node) => node.size));
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
        if (error instanceof OutOfTime) return undefined;
        throw error;
    }

    function round(limit: number): Map<bigint, Entry> {
        const best = new Map<bigint, Entry>();
        const levels: bigint[][] = [[]];
        levels.push(
            problem.inputs.map((node, k) => {
                const mask = 1n << BigInt(k);
                best.set(mask, { cost: ZERO_COST, node });
                return mask;
            }),
        );
        for (let m = 2; m <= n; m++) {
            const level: bigint[] = [];
            for (let k = 1; 2 * k <= m; k++) {
                for (const s1 of levels[k]!) {
                    const e1 = best.get(s1)!;
                    for (const s2 of levels[m - k]!) {
                        if (2 * k === m && s1 >= s2) continue;
                        if ((s1 & s2) !== 0n) continue;
                        if (++ticks % 256 === 0 && now() > problem.deadline) throw new OutOfTime();
                        const e2 = best.get(s2)!;
                        if (!shareAnIndex(e1.node.ids, e2.node.ids)) continue;
                        const before = combineCost(problem.objective, e1.cost, e2.cost);
                        if (before.primary > limit) continue;
                        const union = s1 | s2;
                        const outside = ~union;
                        const pairing = pairUp(
                            problem,
                            e1.node,
                            e2.node,
                            (id) => problem.inOutput[id]! || (carriers[id]! & outside) !== 0n,
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

    function assemble(best: Map<bigint, Entry>): SearchResult {
        const path = new SsaPath(n);
        const build = (mask: bigint): number => {
            const entry = best.get(mask)!;
            if (entry.pairing === undefined) return inputOf(mask);
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
            const pairing = pairUp(problem, a.node, b.node, (id) => problem.inOutput[id]!);
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

/**
 * Every split of every subset, in increasing order of subsets, keeping only subsets that cost
 * less than `bound` (a path to beat). Returns the optimal path when it beats the bound, undefined
 * when nothing does or the deadline passes first.
 */
export function exhaustive(problem: Problem, bound: Cost): SearchResult | undefined {
    const n = problem.inputs.length;
    if (n < 2 || n > EXHAUSTIVE_LIMIT) return undefined;
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
            if ((sub & low) === 0) continue;
            const other = set ^ sub;
            const a = nodes[sub];
            const b = nodes[other];
            if (a === undefined || b === undefined) continue;
            if (++ticks % 256 === 0 && now() > problem.deadline) return undefined;
            const before = combineCost(
                objective,
                { primary: primary[sub]!, flops: flops[sub]! },
                { primary: primary[other]!, flops: flops[other]! },
            );
            if (!isBetter(before, best)) continue;
            const pairing = pairUp(problem, a, b, keep);
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
