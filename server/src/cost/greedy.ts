/**
 * Greedy paths: contract, at each step, the connected pair whose result frees the most memory
 * (numpy's and opt_einsum's rule), and its seeded random variant that samples near-best pairs.
 */
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
    pairing: Pairing;
    score: number;
}

/** Chooses among candidates sorted best first; greedy takes the first. */
type Chooser = (candidates: Candidate[]) => Candidate;

function run(problem: Problem, choose: Chooser, useFlopsScore: boolean): SearchResult {
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
    const count = problem.indexSizes.map((_, id) => (problem.inOutput[id] ? 1 : 0));
    for (const node of problem.inputs) for (const id of node.ids) count[id]!++;
    const keep = (id: number, carriers: number): boolean => count[id]! - carriers > 0;
    const live: Live[] = problem.inputs.map((node, ssa) => ({ node, ssa }));
    let total = ZERO_COST;

    while (live.length > 1) {
        const candidates: Candidate[] = [];
        for (let i = 0; i < live.length; i++) {
            for (let j = i + 1; j < live.length; j++) {
                const a = live[i]!.node;
                const b = live[j]!.node;
                if (!shareAnIndex(a.ids, b.ids)) continue;
                const pairing = pairUp(problem, a, b, keep);
                const score = useFlopsScore
                    ? pairing.cost.primary
                    : pairing.result.size - a.size - b.size;
                candidates.push({ i, j, pairing, score });
            }
        }
        let chosen: Candidate;
        if (candidates.length === 0) {
            // Nothing shares an index: an outer product of the two smallest.
            const order = live
                .map((_, k) => k)
                .sort((x, y) => live[x]!.node.size - live[y]!.node.size);
            const [i, j] = [order[0]!, order[1]!].sort((x, y) => x - y) as [number, number];
            const pairing = pairUp(problem, live[i]!.node, live[j]!.node, keep);
            chosen = { i, j, pairing, score: 0 };
        } else {
            candidates.sort(
                (x, y) => x.score - y.score || x.pairing.cost.flops - y.pairing.cost.flops,
            );
            chosen = choose(candidates);
        }
        const a = live[chosen.i]!;
        const b = live[chosen.j]!;
        for (const id of a.node.ids) count[id]!--;
        for (const id of b.node.ids) count[id]!--;
        for (const id of chosen.pairing.result.ids) count[id]!++;
        const ssa = path.pair(a.ssa, b.ssa, chosen.pairing);
        total = combineCost(problem.objective, total, chosen.pairing.cost);
        live.splice(chosen.j, 1);
        live.splice(chosen.i, 1);
        live.push({ node: chosen.pairing.result, ssa });
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
    return run(problem, (candidates) => candidates[0]!, false);
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
