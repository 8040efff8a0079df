/**
 * Greedy paths: contract, at each step, the connected pair whose result frees the most memory
 * (numpy's and opt_einsum's rule), and its seeded random variant that samples near-best pairs.
 */
import {
    type Cost,
    type Node,
    type Problem,
    SsaPath,
    ZERO_COST,
    combineCost,
    isBetter,
    now,
    pairUp,
} from './problem';

export interface SearchResult {
    ssa: number[][];
    cost: Cost;
}

interface Live {
    node: Node;
    ssa: number;
}

interface Candidate {
    i: number;
    j: number;
    score: number;
    flops: number;
}

/** Above this many operands, greedy itself watches the deadline. */
const HURRY_ABOVE = 64;

/** Chooses among candidates sorted best first; plain greedy takes the first. */
type Chooser = (candidates: Candidate[]) => Candidate;

function run(problem: Problem, choose: Chooser | undefined, useFlopsScore: boolean): SearchResult {
    const n = problem.inputs.length;
    const path = new SsaPath(n);
    if (n === 1) {
        const only = problem.inputs[0]!;
        path.add([0]);
        const cost = only.reduction?.cost ?? {
            primary: problem.objective.step(only.size, only.size * only.density, only.size),
            flops: only.size,
        };
        return { ssa: path.steps, cost };
    }
    const sizes = problem.indexSizes;
    const count = sizes.map((_, id) => (problem.inOutput[id] ? 1 : 0));
    for (const node of problem.inputs) for (const id of node.ids) count[id]!++;
    const keep = (id: number, carriers: number): boolean => count[id]! - carriers > 0;
    const live: Live[] = problem.inputs.map((node, ssa) => ({ node, ssa }));
    let total = ZERO_COST;
    const candidates: Candidate[] = [];

    while (live.length > 1) {
        // Past the deadline a large network only pairs the newest operand, so that the whole
        // search stays quadratic; small ones never need it.
        const hurried = live.length > HURRY_ABOVE && now() > problem.deadline;
        // Scores come from one pass over the two index lists, without building the result.
        let bestI = -1;
        let bestJ = -1;
        let bestScore = Infinity;
        let bestFlops = Infinity;
        candidates.length = 0;
        for (let i = 0; i < live.length; i++) {
            const a = live[i]!.node;
            for (let j = hurried ? Math.max(i + 1, live.length - 1) : i + 1; j < live.length; j++) {
                const b = live[j]!.node;
                const x = a.ids;
                const y = b.ids;
                let p = 0;
                let q = 0;
                let loop = 1;
                let kept = 1;
                let summed = false;
                let connected = false;
                while (p < x.length || q < y.length) {
                    let id: number;
                    let carriers = 1;
                    if (q >= y.length || (p < x.length && x[p]! < y[q]!)) id = x[p++]!;
                    else if (p >= x.length || y[q]! < x[p]!) id = y[q++]!;
                    else {
                        id = x[p++]!;
                        q++;
                        carriers = 2;
                        connected = true;
                    }
                    const size = sizes[id]!;
                    loop *= size;
                    if (count[id]! - carriers > 0) kept *= size;
                    else summed = true;
                }
                if (!connected) continue;
                const flops = loop * (summed ? 2 : 1);
                const score = useFlopsScore
                    ? problem.objective.step(flops, flops * a.density * b.density, kept)
                    : kept - a.size - b.size;
                if (choose !== undefined) candidates.push({ i, j, score, flops });
                else if (score < bestScore || (score === bestScore && flops < bestFlops)) {
                    bestI = i;
                    bestJ = j;
                    bestScore = score;
                    bestFlops = flops;
                }
            }
        }
        if (choose !== undefined && candidates.length > 0) {
            candidates.sort((u, v) => u.score - v.score || u.flops - v.flops);
            const chosen = choose(candidates);
            bestI = chosen.i;
            bestJ = chosen.j;
        }
        if (bestI < 0) {
            // Nothing shares an index: an outer product of the two smallest.
            const order = live
                .map((_, k) => k)
                .sort((u, v) => live[u]!.node.size - live[v]!.node.size);
            bestI = Math.min(order[0]!, order[1]!);
            bestJ = Math.max(order[0]!, order[1]!);
        }
        const a = live[bestI]!;
        const b = live[bestJ]!;
        const pairing = pairUp(problem, a.node, b.node, keep, total);
        for (const id of a.node.ids) count[id]!--;
        for (const id of b.node.ids) count[id]!--;
        for (const id of pairing.result.ids) count[id]!++;
        const ssa = path.pair(a.ssa, b.ssa, pairing);
        total = combineCost(problem.objective, total, pairing.cost);
        live.splice(bestJ, 1);
        live.splice(bestI, 1);
        live.push({ node: pairing.result, ssa });
    }
    return { ssa: path.steps, cost: total };
}

export function shareAnIndex(x: readonly number[], y: readonly number[]): boolean {
    let i = 0;
    let j = 0;
    while (i < x.length && j < y.length) {
        if (x[i] === y[j]) return true;
        if (x[i]! < y[j]!) i++;
        else j++;
    }
    return false;
}

export function greedy(problem: Problem): SearchResult {
    return run(problem, undefined, false);
}

/** A small seeded generator (mulberry32): the same seed gives the same paths everywhere. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export interface RandomGreedyOptions {
    seed?: number;
    repeats?: number;
}

/**
 * Repeats greedy with randomised choices: each trial takes the k-th best pair with probability
 * proportional to exp(-k / t), for a temperature t drawn per trial, and scores pairs either by
 * memory freed or by their own cost. The first trial is plain greedy, so it never loses to it.
 */
export function randomGreedy(problem: Problem, options: RandomGreedyOptions = {}): SearchResult {
    const random = seededRandom(options.seed ?? 0);
    const repeats = options.repeats ?? 64;
    let best = greedy(problem);
    for (let trial = 1; trial < repeats && now() < problem.deadline; trial++) {
        const temperature = 0.2 + 2 * random();
        const choose: Chooser = (candidates) => {
            let totalWeight = 0;
            const weights = candidates.map((_, k) => {
                const weight = Math.exp(-k / temperature);
                totalWeight += weight;
                return weight;
            });
            let pick = random() * totalWeight;
            for (let k = 0; k < candidates.length; k++) {
                pick -= weights[k]!;
                if (pick <= 0) return candidates[k]!;
            }
            return candidates[candidates.length - 1]!;
        };
        const result = run(problem, choose, random() < 0.5);
        if (isBetter(result.cost, best.cost)) best = result;
    }
    return best;
}
