// The runtime side by side, in one run: conv2d forward and both VJPs, unfold, KFC and KFAC-reduce
// at a small size and at a ResNet-18 layer (batch 8, 64 channels, 56x56, 3x3), on the CPU and
// WebGPU backends, each with the structured, dense-pattern and unfold plans, against PyTorch on the
// CPU. Times are medians over rounds in which the plans take turns; ratios are to the structured
// plan on the same backend and to PyTorch.
//
// Run: node --import tsx bench/runtime.ts [--sizes small,resnet] [--backends cpu,webgpu]
//      [--cases conv,vjp-x,vjp-w,unfold,kfc,kfac-reduce] [--plans structured,dense-patterns,unfold]
//      [--repeat N] [--warmup N] [--resnet-repeat N] [--no-torch] [--torch-device cpu|cuda|auto]
//      [--json FILE]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { analyze } from '../server/src/language/analyze';
import { allocate } from '../server/src/runtime/cpu';
import {
    type Backend,
    type PlanKind,
    cpuBackend,
    planFor,
    webgpuBackend,
} from '../server/src/runtime/jobs';
import { fillRandom } from '../server/src/runtime/random';
import { PlanTooLargeError } from '../server/src/runtime/webgpu/host';

const { values } = parseArgs({
    options: {
        sizes: { type: 'string', default: 'small,resnet' },
        backends: { type: 'string', default: 'cpu,webgpu' },
        cases: { type: 'string', default: 'conv,vjp-x,vjp-w,unfold,kfc,kfac-reduce' },
        plans: { type: 'string', default: 'structured,dense-patterns,unfold' },
        repeat: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '1' },
        'resnet-repeat': { type: 'string', default: '1' },
        'resnet-cpu-warmup': { type: 'string', default: '0' },
        'no-torch': { type: 'boolean', default: false },
        json: { type: 'string' },
        python: { type: 'string', default: '/usr/bin/python3' },
        'torch-device': { type: 'string', default: 'cpu' },
    },
});

interface Size {
    name: string;
    n: number;
    c: number;
    hw: number;
    repeat: number;
    warmup: number;
}

const SIZES: Record<string, Size> = {
    small: {
        name: 'small',
        n: 2,
        c: 8,
        hw: 16,
        repeat: Number(values.repeat),
        warmup: Number(values.warmup),
    },
    resnet: {
        name: 'resnet',
        n: 8,
        c: 64,
        hw: 56,
        repeat: Number(values['resnet-repeat']),
        warmup: Number(values.warmup),
    },
};

const CASES: Record<string, string> = {
    conv: 'Y',
    'vjp-x': 'GX',
    'vjp-w': 'GW',
    unfold: 'U',
    kfc: 'F',
    'kfac-reduce': 'R',
};

function source(size: Size): string {
    return [
        `size N = ${size.n}, C = ${size.c}, H = ${size.hw}, W = ${size.hw}, D = ${size.c}`,
        'tensor X[N, C, H, W]',
        'tensor K[D, C, 3, 3]',
        'Y = conv(X, K, padding=1)',
        'tensor V[N, D, H, W]',
        'GX = vjp(Y, X, V)',
        'GW = vjp(Y, K, V)',
        'U = unfold(X, kernel=3, padding=1)',
        'F = kfc(X, kernel=3, padding=1)',
        'R = kfac_reduce(X, kernel=3, padding=1)',
        '',
    ].join('\n');
}

interface Row {
    case: string;
    size: string;
    backend: string;
    plan: string;
    ms?: number;
    gflops?: number;
    note?: string;
}

let torchDevice = values['torch-device'];

function torchTimes(sizes: Size[], cases: string[]): Map<string, number> {
    const times = new Map<string, number>();
    if (values['no-torch']) return times;
    const config = sizes.map((size) => ({
        size: size.name,
        n: size.n,
        c: size.c,
        hw: size.hw,
        repeat: Math.max(3, size.repeat),
        warmup: 1,
        cases,
        device: values['torch-device'],
    }));
    const result = spawnSync(values.python, [join(__dirname, 'runtime_torch.py')], {
        input: JSON.stringify(config),
        encoding: 'utf8',
    });
    if (result.status !== 0) {
        console.error(`PyTorch reference unavailable: ${result.stderr || result.error?.message}`);
        return times;
    }
    for (const entry of JSON.parse(result.stdout) as {
        size: string;
        case: string;
        device: string;
        ms: number;
    }[]) {
        times.set(`${entry.case}/${entry.size}`, entry.ms);
        torchDevice = entry.device;
    }
    return times;
}

async function open(name: string): Promise<Backend | string> {
    try {
        return name === 'cpu' ? cpuBackend() : await webgpuBackend();
    } catch (error) {
        return (error as Error).message;
    }
}

function inputsFor(plan: ReturnType<typeof planFor>): Record<string, Float32Array> {
    const inputs: Record<string, Float32Array> = {};
    for (const input of plan.inputs) {
        const elements = input.shape.reduce((a, b) => a * b, 1);
        inputs[input.name] = fillRandom(allocate('f32', elements), 0, input.name) as Float32Array;
    }
    return inputs;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function cell(value: number | undefined, digits = 2): string {
    return value === undefined ? '-' : value.toFixed(digits);
}

async function main(): Promise<void> {
    const sizes = values.sizes.split(',').map((name) => {
        const size = SIZES[name];
        if (size === undefined)
            throw new Error(`unknown size ${name}; valid: ${Object.keys(SIZES).join(', ')}`);
        return size;
    });
    const cases = values.cases.split(',');
    const plans = values.plans.split(',') as PlanKind[];
    const torch = torchTimes(sizes, cases);
    const rows: Row[] = [];
    const adapters: string[] = [];
    for (const backendName of values.backends.split(',')) {
        const backend = await open(backendName);
        if (typeof backend === 'string') {
            console.error(`${backendName}: unavailable: ${backend}`);
            continue;
        }
        adapters.push(
            `${backendName}: ${backend.info.adapter ?? 'this machine'} (${backend.info.timing})`,
        );
        try {
            for (const size of sizes) {
                const analysis = analyze(source(size));
                for (const name of cases) {
                    const equation = analysis.equations.find(
                        (candidate) => candidate.name === CASES[name],
                    );
                    if (equation?.network === undefined) throw new Error(`no network for ${name}`);
                    // The plans take turns, one run each per round, so that a slow spell of this
                    // shared machine falls on all of them alike rather than on one.
                    const warmup =
                        size.name === 'resnet' && backendName === 'cpu'
                            ? Number(values['resnet-cpu-warmup'])
                            : size.warmup;
                    const entries = plans.map((kind) => {
                        const plan = planFor(equation.network!, kind);
                        const row: Row = {
                            case: name,
                            size: size.name,
                            backend: backendName,
                            plan: kind,
                        };
                        return { plan, row, inputs: inputsFor(plan), times: [] as number[] };
                    });
                    for (let round = 0; round < warmup + size.repeat; round++) {
                        for (const entry of entries) {
                            if (entry.row.note !== undefined) continue;
                            try {
                                const result = await backend.run(entry.plan, entry.inputs, {
                                    warmup: 0,
                                    repeat: 1,
                                    budgetBytes: 4 * 1024 ** 3,
                                });
                                if (round >= warmup) entry.times.push(result.totalMs);
                            } catch (error) {
                                if (!(error instanceof PlanTooLargeError)) throw error;
                                entry.row.note = 'too large';
                            }
                        }
                    }
                    for (const { plan, row, times } of entries) {
                        if (times.length > 0) {
                            row.ms = median(times);
                            row.gflops = plan.flops / row.ms / 1e6;
                        }
                        rows.push(row);
                        console.error(
                            `${name} ${size.name} ${backendName} ${row.plan}: ${cell(row.ms, 1)} ms`,
                        );
                    }
                }
            }
        } finally {
            await backend.close();
        }
    }

    const header = ['case', 'size', 'backend', 'plan', 'ms', 'GFLOP/s', 'x structured', 'x torch'];
    const table = [header];
    for (const row of rows) {
        const structured = rows.find(
            (other) =>
                other.case === row.case &&
                other.size === row.size &&
                other.backend === row.backend &&
                other.plan === 'structured',
        )?.ms;
        const reference = torch.get(`${row.case}/${row.size}`);
        table.push([
            row.case,
            row.size,
            row.backend,
            row.plan,
            row.note ?? cell(row.ms, 3),
            cell(row.gflops),
            row.ms !== undefined && structured !== undefined ? cell(row.ms / structured) : '-',
            row.ms !== undefined && reference !== undefined ? cell(row.ms / reference) : '-',
        ]);
    }
    for (const size of sizes) {
        for (const name of cases) {
            const reference = torch.get(`${name}/${size.name}`);
            if (reference !== undefined) {
                table.push([
                    name,
                    size.name,
                    `torch-${torchDevice}`,
                    `pytorch ${torchDevice}`,
                    cell(reference, 3),
                    '-',
                    '-',
                    '1.00',
                ]);
            }
        }
    }
    const widths = header.map((_, column) =>
        Math.max(...table.map((line) => line[column]!.length)),
    );
    const lines = table.map((line) =>
        line
            .map((text, column) =>
                column < 4 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!),
            )
            .join('  '),
    );
    console.log(adapters.join('\n'));
    console.log(
        `median of ${sizes.map((size) => `${size.repeat} (${size.name})`).join(', ')} runs; ` +
            `"x structured": time over the structured plan on the same backend; "x torch": over PyTorch (${torchDevice})`,
    );
    console.log(lines.join('\n'));
    if (values.json !== undefined)
        writeFileSync(
            values.json,
            JSON.stringify({ adapters, rows, torch: Object.fromEntries(torch) }, null, 2),
        );
}

main().then(
    () => process.exit(0),
    (error: unknown) => {
        console.error(error);
        process.exit(1);
    },
);
