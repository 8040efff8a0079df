/** `tnet run` (evaluate a statement on the CPU or WebGPU) and `tnet runtime` (the runtime process). */
import { parseArgs } from 'node:util';

import { parseByteSize } from '../cost/diagnose';
import type { Diagnostic } from '../language/model';
import { NpyError } from '../runtime/npy';
import { PlanError } from '../runtime/plan';
import {
    type BackendInfo,
    type BackendName,
    type JobOptions,
    type RunReport,
    type StepReport,
    JobError,
    StatementError,
    runJob,
} from '../runtime/jobs';
import { PlanTooLargeError } from '../runtime/webgpu/host';
import { type CliIo, type Command, UsageError } from './command';

const RUN_HELP = `Usage: tnet run FILE [--statement NAME] [--backend auto|cpu|webgpu]
                [--input NAME=file.npy]... [--save NAME=file.npy]... [--seed N] [--check]
                [--dense-patterns] [--memory-budget SIZE] [--json]

Evaluates the equation that defines NAME (the last equation by default), after the earlier
equations it uses. Declared tensors come from --input files (.npy, f32 or f64, C order, of the
declared shape) or, when not given, from a deterministic generator seeded by --seed.

Options:
  --statement NAME     the equation to evaluate (default: the last one)
  --backend NAME       auto (WebGPU when an adapter opens, else the CPU), cpu or webgpu
  --input NAME=FILE    values of the declared tensor NAME from a .npy file (repeatable)
  --save NAME=FILE     write the result NAME (the target or a dependency) to a .npy file
  --seed N             seed for inputs not given (0 to 2^32-1; default 0)
  --check              compare the result with the CPU backend in f64 (max abs error, and
                       max rel error as max|a-b| / max|b|)
  --dense-patterns     write index patterns out as dense tensors (to compare; slower, larger)
  --memory-budget SIZE refuse a plan whose buffers exceed SIZE (default 2GiB; 512MiB, 1GB, ...)
  --json               print the report as JSON (see docs/cli.md)
  -h, --help           show this help

Exit status: 0 on success, 1 when the file has errors or the run fails, 2 for bad usage.
`;

export interface CommonArgs {
    file: string;
    options: JobOptions;
    json: boolean;
}

export const COMMON_OPTIONS = {
    statement: { type: 'string' },
    backend: { type: 'string' },
    input: { type: 'string', multiple: true },
    seed: { type: 'string' },
    'memory-budget': { type: 'string' },
    json: { type: 'boolean' },
} as const;

export function pairs(values: string[] | undefined, option: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const value of values ?? []) {
        const at = value.indexOf('=');
        if (at <= 0 || at === value.length - 1) {
            throw new UsageError(`--${option} takes NAME=FILE, not '${value}'`);
        }
        const name = value.slice(0, at);
        if (name in result) {
            throw new UsageError(
                `--${option} ${name} is given twice ('${result[name]}' and '${value.slice(at + 1)}')`,
            );
        }
        result[name] = value.slice(at + 1);
    }
    return result;
}

/** Refuses an option that takes one value but is given more than once (the last would win). */
export function refuseRepeats(
    tokens: { kind: string; name?: string }[] | undefined,
    options: Record<string, { type: string; multiple?: boolean }>,
): void {
    const seen = new Set<string>();
    for (const token of tokens ?? []) {
        if (token.kind !== 'option' || token.name === undefined) continue;
        if (options[token.name]?.multiple === true) continue;
        if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
        seen.add(token.name);
    }
}

/** Seeds are 32-bit unsigned integers, as the generator uses them. */
export const MAX_SEED = 2 ** 32 - 1;

export function integer(
    value: string | undefined,
    option: string,
    fallback: number,
    min = 0,
    max = Number.MAX_SAFE_INTEGER,
    what = '',
): number {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || parsed < min || parsed > max) {
        const range =
            max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
        throw new UsageError(`--${option} takes an integer ${range}${what}, not '${value}'`);
    }
    return parsed;
}

export function commonArgs(
    positionals: string[],
    values: {
        statement?: string;
        backend?: string;
        input?: string[];
        seed?: string;
        'memory-budget'?: string;
        json?: boolean;
    },
): CommonArgs {
    if (positionals.length !== 1) throw new UsageError('expected one FILE');
    const backend = values.backend ?? 'auto';
    if (!['auto', 'cpu', 'webgpu'].includes(backend)) {
        throw new UsageError(`unknown backend '${backend}'; valid backends: auto, cpu, webgpu`);
    }
    let budgetBytes: number | undefined;
    if (values['memory-budget'] !== undefined) {
        budgetBytes = parseByteSize(values['memory-budget']);
        if (budgetBytes === undefined) {
            throw new UsageError(
                `--memory-budget takes a size such as 512MiB, not '${values['memory-budget']}'`,
            );
        }
    }
    const file = positionals[0]!;
    const options: JobOptions = {
        file,
        backend: backend as BackendName,
        inputs: pairs(values.input, 'input'),
        seed: integer(values.seed, 'seed', 0, 0, MAX_SEED, ' (a 32-bit unsigned integer)'),
    };
    if (values.statement !== undefined) options.statement = values.statement;
    if (budgetBytes !== undefined) options.budgetBytes = budgetBytes;
    return { file, options, json: values.json === true };
}

function position(diagnostic: Diagnostic): string {
    return `${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;
}

/** The `error.code` of a failure in `--json` output; undefined for an internal error. */
function failureCode(error: unknown): 'usage' | 'input' | 'too-large' | 'failed' | undefined {
    if (error instanceof StatementError) return 'usage';
    if (error instanceof PlanTooLargeError) return 'too-large';
    if (error instanceof JobError || error instanceof PlanError || error instanceof NpyError)
        return 'input';
    if (error instanceof Error && error.constructor === Error) return 'failed';
    return undefined;
}

/**
 * Errors a user can act on become messages and exit code 1 (2 for a statement the file lacks, bad
 * usage as in the other commands); anything else is an internal error.
 */
export function reportFailure(
    error: unknown,
    file: string,
    command: string,
    io: CliIo,
    json = false,
): number {
    const code = failureCode(error);
    if (json && code !== undefined) {
        const diagnostics = error instanceof JobError ? error.diagnostics : [];
        const failure = {
            file,
            error: { message: (error as Error).message, code },
            diagnostics: diagnostics.map((diagnostic) => ({
                code: diagnostic.code,
                severity: diagnostic.severity,
                message: diagnostic.message,
                range: diagnostic.range,
            })),
        };
        io.stdout(JSON.stringify(failure, null, 2) + '\n');
    }
    if (error instanceof StatementError) {
        io.stderr(`tnet ${command}: ${error.message}\nRun 'tnet ${command} --help'.\n`);
        return 2;
    }
    if (error instanceof JobError) {
        for (const diagnostic of error.diagnostics) {
            io.stderr(
                `${file}:${position(diagnostic)}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}\n`,
            );
        }
        io.stderr(`tnet ${command}: ${error.message}\n`);
        return 1;
    }
    if (
        error instanceof PlanError ||
        error instanceof PlanTooLargeError ||
        error instanceof NpyError ||
        (error instanceof Error && error.constructor === Error)
    ) {
        io.stderr(`tnet ${command}: ${error.message}\n`);
        return 1;
    }
    throw error;
}

export function describeBackend(info: BackendInfo): string {
    const adapter = info.adapter !== undefined ? ` (${info.adapter})` : '';
    return `${info.name}${adapter}, timed by ${info.timing}`;
}

export function number(value: number, digits = 3): string {
    if (value === 0) return '0';
    if (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3) return value.toExponential(digits - 1);
    return value.toFixed(digits);
}

export function bytes(value: number): string {
    if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
    if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
    if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
    return `${value} B`;
}

/** A plain text table: the first column left-aligned, the rest right-aligned. */
export function table(rows: string[][]): string {
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    return rows
        .map((row) =>
            row
                .map((cell, column) =>
                    column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!),
                )
                .join('  ')
                .trimEnd(),
        )
        .join('\n');
}

export function stepRows(steps: StepReport[]): string[][] {
    return steps.map((step) => [
        `  ${step.label}`,
        step.ms.toFixed(3),
        step.flops > 0 ? step.gflops.toFixed(2) : '-',
        bytes(step.bytes),
    ]);
}

function human(report: RunReport): string {
    const lines: string[] = [];
    lines.push(
        `${report.statement} [${report.shape.join(', ')}] ${report.dtype} on ${describeBackend(report.backend)}`,
    );
    for (const note of report.backend.notes) lines.push(`note: ${note}`);
    for (const run of report.evaluated) {
        const total = run.steps.reduce((sum, step) => sum + step.ms, 0);
        lines.push('');
        lines.push(`${run.name} [${run.shape.join(', ')}]: ${total.toFixed(3)} ms`);
        lines.push(table([['  step', 'ms', 'GFLOP/s', 'bytes'], ...stepRows(run.steps)]));
    }
    const s = report.summary;
    lines.push('');
    lines.push(
        `values: min ${number(s.min)}, max ${number(s.max)}, mean ${number(s.mean)}, norm ${number(s.norm)}`,
    );
    lines.push(`first: ${s.first.map((value) => number(value, 4)).join(', ')}`);
    const seeded = Object.entries(report.inputs).filter(([, input]) => input.source === 'seed');
    const files = Object.entries(report.inputs).filter(([, input]) => input.source === 'file');
    if (seeded.length > 0)
        lines.push(`inputs from the seed: ${seeded.map(([name]) => name).join(', ')}`);
    for (const [name, input] of files) lines.push(`input ${name} from ${input.file}`);
    for (const [name, file] of Object.entries(report.saved)) lines.push(`saved ${name} to ${file}`);
    if (report.check !== undefined) {
        lines.push(
            `check against the ${report.check.reference}: max abs error ${number(report.check.maxAbsError)}, ` +
                `max rel error ${number(report.check.maxRelError)} (max|a-b| / max|b|)`,
        );
    }
    return lines.join('\n') + '\n';
}

export const runCommand: Command = {
    name: 'run',
    summary: 'evaluate a statement on the CPU or WebGPU, inputs from .npy files or a seed',
    help: RUN_HELP,
    async run(args: string[], io: CliIo): Promise<number> {
        const spec = {
            ...COMMON_OPTIONS,
            save: { type: 'string', multiple: true },
            check: { type: 'boolean' },
            'dense-patterns': { type: 'boolean' },
        } as const;
        const { values, positionals, tokens } = parseArgs({
            args,
            allowPositionals: true,
            tokens: true,
            options: spec,
        });
        refuseRepeats(tokens, spec);
        const common = commonArgs(positionals, values);
        const options = {
            ...common.options,
            save: pairs(values.save, 'save'),
            check: values.check === true,
            densePatterns: values['dense-patterns'] === true,
        };
        try {
            const report = await runJob(options);
            io.stdout(common.json ? JSON.stringify(report, null, 2) + '\n' : human(report));
            return 0;
        } catch (error) {
            return reportFailure(error, common.file, 'run', io, common.json);
        }
    },
};

const RUNTIME_HELP = `Usage: tnet runtime --stdio

Starts the runtime process: JSON-RPC over stdin and stdout (the requests tnet/run, tnet/bench,
tnet/adapter; see server/src/runtime/protocol.ts). The editor starts it for runs and benchmarks;
ending the process cancels what it runs.
`;

export const runtimeCommand: Command = {
    name: 'runtime',
    summary: 'the runtime process: JSON-RPC over stdio for runs and benchmarks',
    help: RUNTIME_HELP,
    async run(args: string[]): Promise<number> {
        if (!args.includes('--stdio')) throw new UsageError('only --stdio is supported');
        const { serve } = await import('../runtime/server');
        await serve(process.stdin, process.stdout);
        return 0;
    },
};
