// Path optimizers against numpy.einsum_path, side by side: the cost of every path as numpy itself
// counts it (ours replayed with optimize=['einsum_path', ...]) and the search time.
// Run: node bench/paths-run.mjs [--quick]   (bundles this file; needs /usr/bin/python3 with numpy)
import { spawnSync } from 'node:child_process';

import { OPTIMIZERS, contractionPath } from '../server/src/cost/index';
import { analyze } from '../server/src/language/analyze';
import { einsumNetwork } from '../server/src/network/einsum';
import type { Term } from '../server/src/network/ir';
import { randomEinsum } from '../test/cost/random-networks';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const quick = process.argv.includes('--quick');
/** Budget for the searches that take one; `auto` runs with its own default (1 ms). */
const BUDGET_MS = 1000;
const NUMPY_OPTIMAL_MAX_TENSORS = 9;
const NUMPY_TIME_LIMIT_S = 10;

interface Case {
    name: string;
    term: Term;
    sizes: Record<string, number>;
}

function paperSource(dims: number): string {
    const spatial = [32, 24, 16].slice(0, dims);
    const letters = ['H', 'W', 'L'].slice(0, dims);
    const sizes = spatial.map((size, k) => `${letters[k]} = ${size}`).join(', ');
    const x = `tensor X[N, C, ${letters.join(', ')}]`;
    const w = `tensor K[D, C, ${letters.map(() => 3).join(', ')}]`;
    const out = spatial.map((size) => Math.floor((size + 2 - 3) / 2) + 1);
    return [
        `size N = 8, C = 16, D = 32, ${sizes}`,
        x,
        w,
        `tensor V[N, D, ${out.join(', ')}]`,
        'Y = conv(X, K, stride=2, padding=1)',
        'U = unfold(X, kernel=3, stride=2, padding=1)',
        'F = kfc(X, kernel=3, stride=2, padding=1)',
        'R = kfac_reduce(X, kernel=3, stride=2, padding=1)',
        'GX = vjp(Y, X, V)',
        'GK = vjp(Y, K, V)',
        '',
    ].join('\n');
}

function paperCases(): Case[] {
    const cases: Case[] = [];
    for (const dims of [1, 2, 3]) {
        const analysis = analyze(paperSource(dims));
        const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) throw new Error(`paper networks: ${errors[0]!.message}`);
        for (const equation of analysis.equations) {
            equation.network!.terms.forEach((term, k) => {
                const suffix = equation.network!.terms.length > 1 ? `.${k + 1}` : '';
                cases.push({
                    name: `${equation.name}${suffix} ${dims}d`,
                    term,
                    sizes: equation.network!.sizes,
                });
            });
        }
    }
    return cases;
}

function randomCases(): Case[] {
    const sizes = quick ? [4, 8, 12, 24, 40] : [4, 5, 6, 7, 8, 9, 10, 12, 16, 20, 25, 30, 35, 40];
    return sizes.flatMap((n) =>
        [1, 2].map((seed) => {
            const { spec, shapes } = randomEinsum(n, 1000 * n + seed, { maxSize: 8 });
            const net = einsumNetwork(spec, shapes);
            return { name: `random ${n} #${seed}`, term: net.terms[0]!, sizes: net.sizes };
        }),
    );
}

/** The term as a numpy einsum string over letters, and the operands' shapes. */
function asEinsum(c: Case): { spec: string; shapes: number[][] } {
    const letter = new Map<string, string>();
    const of = (index: string): string => {
        if (!letter.has(index)) letter.set(index, LETTERS[letter.size]!);
        return letter.get(index)!;
    };
    const inputs = c.term.operands.map((op) => op.indices.map(of).join(''));
    const spec = `${inputs.join(',')}->${c.term.output.map(of).join('')}`;
    const shapes = c.term.operands.map((op) => op.indices.map((index) => c.sizes[index]!));
    return { spec, shapes };
}

interface Ours {
    path: number[][];
    flops: number;
    ms: number;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

function optionsFor(optimizer: string) {
    return optimizer === 'auto' ? { optimizer } : { optimizer, timeBudgetMs: BUDGET_MS };
}

/** The median of repeated runs (until 100 ms or 200 runs), after a warm-up pass, as for numpy. */
function runOurs(c: Case, optimizer: string): Ours {
    const options = optionsFor(optimizer);
    let report = contractionPath(c.term, c.sizes, 'f32', options);
    const times: number[] = [];
    let spent = 0;
    while (spent < 100 && times.length < 200) {
        const start = performance.now();
        report = contractionPath(c.term, c.sizes, 'f32', options);
        const ms = performance.now() - start;
        times.push(ms);
        spent += ms;
    }
    return { path: report.path, flops: report.flops, ms: median(times) };
}

/** Runs every quick search on every case a few times so that timings see compiled code. */
function warmUp(cases: Case[]): void {
    for (let round = 0; round < 20; round++) {
        for (const c of cases) {
            if (c.term.operands.length > 12) continue;
            for (const optimizer of ['greedy', 'auto', 'optimal']) {
                contractionPath(c.term, c.sizes, 'f32', { optimizer, timeBudgetMs: 5 });
            }
        }
    }
}

interface NumpyAnswer {
    given: Record<string, { steps: number[] }>;
    numpy: Record<string, { steps?: number[]; seconds: number; timedOut?: boolean }>;
}

function main(): void {
    const cases = [...paperCases(), ...randomCases()];
    warmUp(cases);
    const ours = cases.map((c) => Object.fromEntries(OPTIMIZERS.map((o) => [o, runOurs(c, o)])));
    const request = {
        timing: true,
        cases: cases.map((c, k) => ({
            ...asEinsum(c),
            paths: Object.fromEntries(OPTIMIZERS.map((o) => [o, ours[k]![o]!.path])),
            optimizers:
                c.term.operands.length <= NUMPY_OPTIMAL_MAX_TENSORS
                    ? ['greedy', 'optimal']
                    : ['greedy'],
            timeLimit: NUMPY_TIME_LIMIT_S,
        })),
    };
    const result = spawnSync('/usr/bin/python3', ['bench/paths_numpy.py'], {
        input: JSON.stringify(request),
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
    });
    if (result.status !== 0) {
        console.error(`numpy helper failed: ${result.stderr}`);
        process.exit(1);
    }
    const { numpy: version, answers } = JSON.parse(result.stdout) as {
        numpy: string;
        answers: NumpyAnswer[];
    };

    const sum = (steps: number[]): number => steps.reduce((a, b) => a + b, 0);
    const names = ['name', 'n', 'np greedy', 'np optimal', ...OPTIMIZERS];
    const costRows: string[][] = [];
    const timeRows: string[][] = [];
    let mismatches = 0;
    let losses = 0;
    let autoOver = 0;
    const optimalSpeedups: number[] = [];
    cases.forEach((c, k) => {
        const answer = answers[k]!;
        const npGreedy = sum(answer.numpy.greedy!.steps!);
        const npOptimal = answer.numpy.optimal;
        const npOptimalCost = npOptimal?.steps !== undefined ? sum(npOptimal.steps) : undefined;
        const npBest = Math.min(npGreedy, npOptimalCost ?? Infinity);
        const costs = OPTIMIZERS.map((o) => {
            const counted = sum(answer.given[o]!.steps);
            if (counted !== ours[k]![o]!.flops) mismatches++;
            return counted;
        });
        if (Math.min(...costs) > npBest) losses++;
        const n = c.term.operands.length;
        const ratio = (value: number): string => (value / npBest).toFixed(3);
        costRows.push([
            c.name,
            String(n),
            npGreedy.toExponential(2),
            npOptimalCost === undefined
                ? npOptimal?.timedOut
                    ? 'timeout'
                    : '-'
                : npOptimalCost.toExponential(2),
            ...costs.map(ratio),
        ]);
        const npOptimalMs =
            npOptimal !== undefined && !npOptimal.timedOut ? npOptimal.seconds * 1000 : undefined;
        if (npOptimalMs !== undefined) optimalSpeedups.push(npOptimalMs / ours[k]!.optimal!.ms);
        if (n <= 10 && ours[k]!.auto!.ms >= 1) autoOver++;
        timeRows.push([
            c.name,
            String(n),
            (answer.numpy.greedy!.seconds * 1000).toFixed(3),
            npOptimal === undefined
                ? '-'
                : npOptimal.timedOut
                  ? `>${NUMPY_TIME_LIMIT_S * 1000}`
                  : npOptimalMs!.toFixed(3),
            ...OPTIMIZERS.map((o) => ours[k]![o]!.ms.toFixed(3)),
            npOptimalMs === undefined ? '-' : (npOptimalMs / ours[k]!.optimal!.ms).toFixed(1),
        ]);
    });

    console.log(`numpy ${version}; our searches with a ${BUDGET_MS} ms budget, auto with its own`);
    console.log(
        '\nPath cost as numpy counts it, divided by the better of numpy greedy and optimal',
    );
    console.log('(numpy columns: its FLOPs; below 1.000 is cheaper than numpy)\n');
    printTable([names, ...costRows]);
    console.log(
        '\nSearch time in ms (median); last column: numpy optimal time / our optimal time\n',
    );
    printTable([[...names, 'np opt/opt'], ...timeRows]);
    const minSpeedup = optimalSpeedups.length > 0 ? Math.min(...optimalSpeedups) : NaN;
    console.log(
        `\nnetworks: ${cases.length}; our count differs from numpy's on ${mismatches} paths; ` +
            `networks where our best path costs more than numpy's: ${losses}`,
    );
    console.log(
        `optimal vs numpy optimal where numpy finished: at least ${minSpeedup.toFixed(1)}x faster ` +
            `(median ${median(optimalSpeedups).toFixed(1)}x); auto at or over 1 ms on ` +
            `${autoOver} networks of up to 10 tensors`,
    );
}

function printTable(rows: string[][]): void {
    const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
    for (const row of rows) {
        console.log(
            row
                .map((cell, col) =>
                    col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!),
                )
                .join('  '),
        );
    }
}

main();
