/** `tnet cost`: the contraction path of every equation of a file, with FLOPs and memory. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
    type NetworkCost,
    OBJECTIVES,
    OPTIMIZERS,
    type PathReport,
    networkCost,
} from '../cost/index';
import { formatBytes } from '../cost/diagnose';
import { analyze } from '../language/analyze';
import type { EquationInfo } from '../language/model';
import { type CliIo, type Command, UsageError } from './command';

const HELP = `Usage: tnet cost FILE [--statement NAME] [--optimizer NAME] [--objective NAME]
                 [--time-budget MS] [--json]

Finds a contraction path for every equation of FILE (or the one named) and reports its cost:
FLOPs counted as numpy.einsum_path and opt_einsum count them, FLOPs with index patterns counted
by their non-zeros, the largest intermediate and the peak memory of running the path.

Options:
  --statement NAME   only the equation that defines NAME
  --optimizer NAME   ${OPTIMIZERS.join(', ')} (default auto)
  --objective NAME   ${OBJECTIVES.join(', ')} (default flops)
  --time-budget MS   how long one search may take (default 1000)
  --json             print {"file", "equations": [...], "diagnostics": [...]} instead of a
                     report; "diagnostics" as in tnet check --json
  -h, --help         show this help

JSON: each equation has "name", "line" (0-based, as in LSP), "naiveFlops", "flops",
"structuredFlops", "largestIntermediate" (elements), "peakMemoryBytes", "speedup", "path" and
"steps", and "complete": false with "incomplete" (why) when the search stopped before it
finished (too many operands for it, or the time budget), its path then the best of the cheaper
searches it ran. "path" is in opt_einsum's linear format over the equation's tensor factors in
written order, scale factors left out. An equation of several terms has one path per term: its figures
are the totals, "path" and "steps" are its first term's, and "terms" lists every term's report.

Exit status: 0 on success, 1 when the file cannot be read or has errors, 2 for bad usage.
`;

interface StepJson {
    operands: number[];
    indices: string[];
    summed: string[];
    shape: number[];
    flops: number;
    structuredFlops: number;
    bytes: number;
}

function stepsJson(report: PathReport): StepJson[] {
    return report.steps.map((step) => ({
        operands: step.operands,
        indices: step.indices,
        summed: step.summed,
        shape: step.shape,
        flops: step.flops,
        structuredFlops: step.structuredFlops,
        bytes: step.bytes,
    }));
}

function termJson(report: PathReport) {
    return {
        equation: report.equation,
        naiveFlops: report.naiveFlops,
        flops: report.flops,
        structuredFlops: report.structuredFlops,
        largestIntermediate: report.largestIntermediate,
        peakMemoryBytes: report.peakMemoryBytes,
        speedup: report.speedup,
        path: report.path,
        steps: stepsJson(report),
        complete: report.complete,
        ...(report.incomplete === undefined ? {} : { incomplete: report.incomplete }),
    };
}

function equationJson(equation: EquationInfo, cost: NetworkCost) {
    const first = cost.terms[0];
    const incomplete = cost.terms.find((report) => !report.complete)?.incomplete;
    return {
        name: equation.name,
        line: equation.nameRange.start.line,
        optimizer: first?.optimizer,
        objective: first?.objective,
        naiveFlops: cost.naiveFlops,
        flops: cost.flops,
        structuredFlops: cost.structuredFlops,
        largestIntermediate: cost.largestIntermediate,
        peakMemoryBytes: cost.peakMemoryBytes,
        speedup: cost.speedup,
        path: first?.path ?? [],
        steps: first === undefined ? [] : stepsJson(first),
        complete: cost.terms.every((report) => report.complete),
        ...(incomplete === undefined ? {} : { incomplete }),
        ...(cost.terms.length > 1 ? { terms: cost.terms.map(termJson) } : {}),
    };
}

export function formatCount(value: number): string {
    return value.toExponential(3);
}

function table(rows: string[][]): string[] {
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    return rows.map((row) =>
        row
            .map((cell, column) =>
                column < 4 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
            )
            .join('  ')
            .trimEnd(),
    );
}

function termReport(report: PathReport): string[] {
    const label = (name: string, value: string): string => `${name.padStart(24)}:  ${value}`;
    const lines = [
        label('Complete contraction', report.equation),
        label('Naive scaling', String(report.naiveScaling)),
        label('Optimized scaling', String(report.scaling)),
        label('Naive FLOP count', formatCount(report.naiveFlops)),
        label('Optimized FLOP count', formatCount(report.flops)),
        label('Structured FLOP count', formatCount(report.structuredFlops)),
        label('Theoretical speedup', report.speedup.toFixed(3)),
        label('Largest intermediate', `${formatCount(report.largestIntermediate)} elements`),
        label('Peak memory', formatBytes(report.peakMemoryBytes)),
        label('Path', JSON.stringify(report.path)),
    ];
    if (!report.complete) lines.push(label('Search incomplete', report.incomplete ?? ''));
    const rows = [['step', 'operands', 'kept', 'summed', 'shape', 'FLOPs', 'structured', 'bytes']];
    report.steps.forEach((step, k) => {
        rows.push([
            String(k + 1),
            step.operandNames
                .map((name, i) => `${name}[${step.operandIndices[i]!.join(',')}]`)
                .join(' * '),
            step.indices.join(',') || '-',
            step.summed.join(',') || '-',
            `[${step.shape.join(', ')}]`,
            formatCount(step.flops),
            formatCount(step.structuredFlops),
            formatBytes(step.bytes),
        ]);
    });
    const body = table(rows);
    const rule = '-'.repeat(Math.max(...body.map((line) => line.length)));
    return [...lines, rule, body[0]!, rule, ...body.slice(1)];
}

function humanReport(equation: EquationInfo, cost: NetworkCost): string {
    const first = cost.terms[0];
    const lines = [
        `${equation.name} (line ${equation.nameRange.start.line + 1})` +
            (first === undefined
                ? ''
                : `: optimizer ${first.optimizer}, objective ${first.objective}`),
    ];
    if (cost.terms.length === 0) lines.push('  no tensor factors: nothing to contract');
    cost.terms.forEach((report, k) => {
        if (cost.terms.length > 1) lines.push(`  term ${k + 1} of ${cost.terms.length}:`);
        lines.push(...termReport(report));
    });
    if (cost.terms.length > 1) {
        lines.push(
            `  total over ${cost.terms.length} terms: ${formatCount(cost.flops)} FLOPs ` +
                `(naive ${formatCount(cost.naiveFlops)}), peak memory ` +
                formatBytes(cost.peakMemoryBytes),
        );
    }
    return lines.join('\n') + '\n';
}

export const costCommand: Command = {
    name: 'cost',
    summary: 'contraction paths, FLOPs and memory of the equations of a .tnet file',
    help: HELP,
    run(args: string[], io: CliIo): Promise<number> {
        const { values, positionals } = parseArgs({
            args,
            options: {
                statement: { type: 'string' },
                optimizer: { type: 'string', default: 'auto' },
                objective: { type: 'string', default: 'flops' },
                'time-budget': { type: 'string', default: '1000' },
                json: { type: 'boolean', default: false },
            },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length !== 1) throw new UsageError('give exactly one FILE');
        const file = positionals[0]!;
        if (!OPTIMIZERS.includes(values.optimizer)) {
            const valid = OPTIMIZERS.join(', ');
            throw new UsageError(
                `unknown optimizer '${values.optimizer}'; valid optimizers: ${valid}`,
            );
        }
        if (!OBJECTIVES.includes(values.objective)) {
            const valid = OBJECTIVES.join(', ');
            throw new UsageError(
                `unknown objective '${values.objective}'; valid objectives: ${valid}`,
            );
        }
        const budget = Number(values['time-budget']);
        if (!Number.isFinite(budget) || budget <= 0) {
            const given = values['time-budget'];
            throw new UsageError(
                `--time-budget must be a positive number of milliseconds: '${given}'`,
            );
        }

        let text: string;
        try {
            text = readFileSync(file, 'utf8');
        } catch (error) {
            io.stderr(`tnet cost: cannot read ${file}: ${(error as Error).message}\n`);
            return Promise.resolve(1);
        }
        const analysis = analyze(text);
        const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
        for (const error of errors) {
            const { line, character } = error.range.start;
            io.stderr(
                `${file}:${line + 1}:${character + 1}: error ${error.code}: ${error.message}\n`,
            );
        }
        let equations = analysis.equations;
        if (values.statement !== undefined) {
            equations = equations.filter((equation) => equation.name === values.statement);
            if (equations.length === 0) {
                const names = analysis.equations.map((equation) => equation.name);
                throw new UsageError(
                    `${file} has no equation '${values.statement}'` +
                        (names.length > 0 ? `; its equations: ${names.join(', ')}` : ''),
                );
            }
        }
        const options = {
            optimizer: values.optimizer,
            objective: values.objective,
            timeBudgetMs: budget,
        };
        const costed = equations.flatMap((equation) =>
            equation.network === undefined
                ? []
                : [{ equation, cost: networkCost(equation.network, options) }],
        );
        if (values.json) {
            const json = {
                file,
                equations: costed.map(({ equation, cost }) => equationJson(equation, cost)),
                diagnostics: analysis.diagnostics.map(({ code, severity, message, range }) => ({
                    code,
                    severity,
                    message,
                    range,
                })),
            };
            io.stdout(JSON.stringify(json, null, 2) + '\n');
        } else {
            io.stdout(costed.map(({ equation, cost }) => humanReport(equation, cost)).join('\n'));
            if (costed.length === 0) io.stdout(`${file}: no equation to cost\n`);
        }
        return Promise.resolve(errors.length > 0 ? 1 : 0);
    },
};
