/** `tnet bench`: median times of a statement's plans (structured, dense patterns, unfold) side by side. */
import { parseArgs } from 'node:util';

import { type BenchReport, benchJob } from '../runtime/jobs';
import { type CliIo, type Command } from './command';
import {
    COMMON_OPTIONS,
    bytes,
    commonArgs,
    describeBackend,
    integer,
    refuseRepeats,
    reportFailure,
    stepRows,
    table,
} from './run';

const HELP = `Usage: tnet bench FILE [--statement NAME] [--backend auto|cpu|webgpu] [--warmup N]
                  [--repeat N] [--input NAME=file.npy]... [--seed N] [--memory-budget SIZE]
                  [--json]

Times the equation that defines NAME (the last equation by default): the median over --repeat
runs after --warmup runs, per step and in total, with GFLOP/s and bytes moved. A network with
index patterns is also run with the patterns as dense tensors and as an explicit unfold followed
by a matrix product, and each plan's time is given as a ratio to the structured plan's.

Options:
  --statement NAME     the equation to time (default: the last one)
  --backend NAME       auto (WebGPU when an adapter opens, else the CPU), cpu or webgpu
  --warmup N           untimed runs first (default 2)
  --repeat N           timed runs (default 10)
  --input NAME=FILE    values of the declared tensor NAME from a .npy file (repeatable)
  --seed N             seed for inputs not given (0 to 2^32-1; default 0)
  --memory-budget SIZE refuse a plan whose buffers exceed SIZE (default 2GiB)
  --json               print the report as JSON (see docs/cli.md)
  -h, --help           show this help

Exit status: 0 on success, 1 when the file has errors or the run fails, 2 for bad usage.
`;

function human(report: BenchReport): string {
    const lines = [
        `${report.statement} [${report.shape.join(', ')}] ${report.dtype} on ${describeBackend(report.backend)}`,
        `median of ${report.repeat} runs after ${report.warmup} warm-up runs`,
    ];
    for (const note of report.backend.notes) lines.push(`note: ${note}`);
    lines.push('');
    const rows = [['plan', 'ms', 'GFLOP/s', 'moved', 'memory', 'ratio']];
    for (const plan of report.plans) {
        rows.push(
            plan.skipped !== undefined
                ? [plan.plan, 'skipped', '-', '-', bytes(plan.memoryBytes), '-']
                : [
                      plan.plan,
                      plan.totalMs.toFixed(3),
                      plan.gflops.toFixed(2),
                      bytes(plan.bytes),
                      bytes(plan.memoryBytes),
                      `${plan.ratio.toFixed(2)}x`,
                  ],
        );
    }
    lines.push(table(rows));
    for (const plan of report.plans) {
        lines.push('');
        if (plan.skipped !== undefined) {
            lines.push(`${plan.plan}: skipped: ${plan.skipped}`);
            continue;
        }
        lines.push(`${plan.plan} plan, per step:`);
        lines.push(table([['  step', 'ms', 'GFLOP/s', 'bytes'], ...stepRows(plan.steps)]));
    }
    return lines.join('\n') + '\n';
}

export const benchCommand: Command = {
    name: 'bench',
    summary: 'time a statement: structured vs dense-pattern vs unfold plans, per step',
    help: HELP,
    async run(args: string[], io: CliIo): Promise<number> {
        const spec = {
            ...COMMON_OPTIONS,
            warmup: { type: 'string' },
            repeat: { type: 'string' },
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
            warmup: integer(values.warmup, 'warmup', 2),
            repeat: integer(values.repeat, 'repeat', 10, 1),
        };
        try {
            const report = await benchJob(options);
            io.stdout(common.json ? JSON.stringify(report, null, 2) + '\n' : human(report));
            return 0;
        } catch (error) {
            return reportFailure(error, common.file, 'bench', io, common.json);
        }
    },
};
