/**
 * Contraction paths and their costs: the named optimizers, `contractionPath` for one term and
 * `networkCost` for a whole network. Every search is bounded in time and returns its best path.
 */
import {
    BYTES_PER_ELEMENT,
    type DType,
    type Network,
    type Term,
    elementCount,
} from '../network/ir';
import { type SearchResult, greedy, randomGreedy } from './greedy';
import { type PathReport, replayPath } from './model';
import {
    type Cost,
    INFINITE_COST,
    type ObjectiveOptions,
    type Problem,
    buildProblem,
    isBetter,
    makeObjective,
    now,
    ssaToLinear,
} from './problem';
import { EXHAUSTIVE_LIMIT, dynamicProgramming, exhaustive } from './subsets';

export type { ContractionStep, PathReport } from './model';
export { flopCount, naiveCost, replayPath, validatePath } from './model';
export { OBJECTIVES } from './problem';

export interface PathOptions extends ObjectiveOptions {
    /** A name from `OPTIMIZERS`; `auto` by default. */
    optimizer?: string;
    /** `flops` (default), `structured-flops`, `size` or `combo` (FLOPs plus weighted memory). */
    objective?: string;
    /** How long a search may take; 1 ms for `auto`, 2 s for the others, unless given. */
    timeBudgetMs?: number;
    /** For `random-greedy`: the seed and the number of trials. */
    seed?: number;
    repeats?: number;
}

interface Optimizer {
    summary: string;
    defaultBudgetMs: number;
    search(problem: Problem, options: PathOptions): Outcome;
}

/** A search's best path; `stopped` says why the search did not finish, when it did not. */
interface Outcome {
    result: SearchResult;
    stopped?: Stop;
}

/** dp or the exhaustive search ran out of time, or there were too many operands for it. */
type Stop = 'dp deadline' | 'exhaustive deadline' | 'operands';

function best(...results: (SearchResult | undefined)[]): SearchResult {
    let chosen: SearchResult | undefined;
    for (const result of results) {
        if (result !== undefined && (chosen === undefined || isBetter(result.cost, chosen.cost))) {
            chosen = result;
        }
    }
    return chosen!;
}

/**
 * Of the time left before the deadline, the most random-greedy may take to bound dp with. Its
 * trials are fast on small networks, so dp keeps nearly all the time where it can finish; on
 * large ones dp rarely finishes and random-greedy's path is the answer.
 */
const RANDOM_GREEDY_SHARE = 0.8;

/**
 * Greedy and a short random-greedy give a bound, then dp searches under it: dp never returns a
 * costlier path than theirs, and when it runs out of time the best of them is the answer.
 */
function dp(problem: Problem, options: PathOptions): Outcome {
    const start = now();
    const share = {
        ...problem,
        deadline: start + RANDOM_GREEDY_SHARE * (problem.deadline - start),
    };
    const bound = best(greedy(problem), randomGreedy(share, options));
    const search = dynamicProgramming(problem, bound.cost);
    const result = best(search.result, bound);
    return search.complete ? { result } : { result, stopped: 'dp deadline' };
}

/**
 * Exhaustive search, seeded with greedy and dp so that it never returns a costlier path than
 * theirs. Small networks go straight to the exhaustive search (it is cheap there and, once
 * complete, no worse than dp); larger ones get dp's bound first, to prune with. Beyond
 * EXHAUSTIVE_LIMIT operands only the bound is left, and the outcome says so.
 */
function optimal(problem: Problem, options: PathOptions): Outcome {
    const n = problem.inputs.length;
    if (n <= UNSEEDED) {
        // Too few subsets for a bound to matter; greedy only if the budget ran out.
        const search = exhaustive(problem, INFINITE_COST);
        if (search.complete && search.result !== undefined) return { result: search.result };
    }
    const seed = greedy(problem);
    if (n <= EXHAUSTIVE_FIRST) {
        const search = exhaustive(problem, seed.cost);
        if (search.complete) return { result: best(seed, search.result) };
        return {
            result: best(dp(problem, options).result, search.result),
            stopped: 'exhaustive deadline',
        };
    }
    const bound = dp(problem, options);
    if (n > EXHAUSTIVE_LIMIT) return { result: bound.result, stopped: 'operands' };
    const search = exhaustive(problem, bound.result.cost);
    const result = best(bound.result, search.result);
    return search.complete ? { result } : { result, stopped: 'exhaustive deadline' };
}

/** Up to this many operands, the exhaustive search runs before dp; up to UNSEEDED, alone. */
const EXHAUSTIVE_FIRST = 10;
const UNSEEDED = 6;

const registry: Record<string, Optimizer> = {
    greedy: {
        summary: 'the pair that frees the most memory first (as numpy and opt_einsum)',
        defaultBudgetMs: 2000,
        search: (problem) => ({ result: greedy(problem) }),
    },
    'random-greedy': {
        summary: 'greedy repeated with seeded random choices, bounded by a count and by time',
        defaultBudgetMs: 2000,
        search: (problem, options) => ({ result: randomGreedy(problem, options) }),
    },
    dp: {
        summary: 'dynamic programming over connected subsets with a rising cost cap',
        defaultBudgetMs: 2000,
        search: dp,
    },
    optimal: {
        summary: 'every split of every subset, seeded with greedy and dp: optimal when it finishes',
        defaultBudgetMs: 2000,
        search: optimal,
    },
    auto: {
        summary: 'chooses by network size within the time budget (1 ms unless given)',
        defaultBudgetMs: 1,
        search: (problem, options) => {
            const n = problem.inputs.length;
            if (n <= 12) return optimal(problem, options);
            if (n <= 24) return dp(problem, options);
            return { result: randomGreedy(problem, { seed: options.seed ?? 0 }) };
        },
    },
};

export const OPTIMIZERS = Object.keys(registry);

export function optimizerSummary(name: string): string | undefined {
    return registry[name]?.summary;
}

function lookUp(name: string): Optimizer {
    const optimizer = registry[name];
    if (optimizer === undefined) {
        throw new Error(`unknown optimizer '${name}'; valid optimizers: ${OPTIMIZERS.join(', ')}`);
    }
    return optimizer;
}

/**
 * The contraction path of one term, found by the named optimizer, and its costs as numpy counts
 * them. Scale factors are not operands; a term of one operand gets the one step `[[0]]`.
 */
export function contractionPath(
    term: Term,
    sizes: Record<string, number>,
    dtype: DType,
    options: PathOptions = {},
): PathReport {
    const name = options.optimizer ?? 'auto';
    const optimizer = lookUp(name);
    const objective = makeObjective(options.objective ?? 'flops', options);
    const labels = { optimizer: name, objective: objective.name };
    const n = term.operands.length;
    if (n === 0) return replayPath(term, sizes, dtype, [], labels);
    // A fifth of the budget is left for what follows the search: replaying the path for its report.
    const budgetMs = options.timeBudgetMs ?? optimizer.defaultBudgetMs;
    const deadline = now() + 0.8 * budgetMs;
    const problem = buildProblem(term, sizes, objective, deadline);
    const { result, stopped } = optimizer.search(problem, options);
    const report = replayPath(term, sizes, dtype, ssaToLinear(result.ssa, n), labels);
    if (stopped === undefined) return report;
    return { ...report, complete: false, incomplete: describeStop(stopped, name, n, budgetMs) };
}

function describeStop(stopped: Stop, optimizer: string, operands: number, budgetMs: number) {
    const fallback =
        stopped === 'dp deadline' ? 'greedy and random-greedy' : 'greedy, random-greedy and dp';
    const why =
        stopped === 'operands'
            ? `${operands} operands are more than the exhaustive search takes (${EXHAUSTIVE_LIMIT})`
            : `the search ran out of its time budget of ${budgetMs} ms`;
    return `${optimizer} did not finish: ${why}; the path is the best of ${fallback}`;
}

export interface NetworkCost {
    name: string;
    /** One report per term, in the network's order. */
    terms: PathReport[];
    naiveFlops: number;
    flops: number;
    structuredFlops: number;
    largestIntermediate: number;
    /**
     * The largest of the terms' peaks, plus the result they are summed into when there are
     * several terms (the terms run one after another).
     */
    peakMemoryBytes: number;
    speedup: number;
}

/** Every term's path and the totals: FLOPs add up (adding the terms up is not counted). */
export function networkCost(network: Network, options: PathOptions = {}): NetworkCost {
    const terms = network.terms.map((term) =>
        contractionPath(term, network.sizes, network.output.dtype, options),
    );
    const sum = (pick: (report: PathReport) => number): number =>
        terms.reduce((total, report) => total + pick(report), 0);
    const outputBytes =
        elementCount(network.output.indices.map((index) => network.sizes[index] ?? 0)) *
        BYTES_PER_ELEMENT[network.output.dtype];
    const naiveFlops = sum((report) => report.naiveFlops);
    const flops = sum((report) => report.flops);
    return {
        name: network.name,
        terms,
        naiveFlops,
        flops,
        structuredFlops: sum((report) => report.structuredFlops),
        largestIntermediate: Math.max(0, ...terms.map((report) => report.largestIntermediate)),
        peakMemoryBytes:
            Math.max(0, ...terms.map((report) => report.peakMemoryBytes)) +
            (terms.length > 1 ? outputBytes : 0),
        speedup: flops === 0 ? 1 : naiveFlops / flops,
    };
}

/** The cost of a path under an objective, for comparing reports (tests, benchmarks). */
export function reportCost(report: PathReport, objectiveName = 'flops'): Cost {
    const objective = makeObjective(objectiveName);
    let primary = 0;
    for (const step of report.steps) {
        const value = objective.step(step.flops, step.structuredFlops, elementCount(step.shape));
        primary = objective.combine === 'sum' ? primary + value : Math.max(primary, value);
    }
    return { primary, flops: report.flops };
}
