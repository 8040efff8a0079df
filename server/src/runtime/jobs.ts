/**
 * Runs and benchmarks of a `.tnet` statement, shared by `tnet run`, `tnet bench` and the runtime
 * process: analysis, the statements a target depends on, inputs from `.npy` files or the seed,
 * plans from the cost model's paths, a backend, and the reports (plain JSON data).
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { contractionPath } from '../cost/index';
import { analyze } from '../language/analyze';
import type { Analysis, Diagnostic, EquationInfo } from '../language/model';
import { BYTES_PER_ELEMENT, type DType, type Network, elementCount } from '../network/ir';
import {
    type CancelToken,
    type Float,
    type StepTiming,
    CancelledError,
    allocate,
    runCpu,
} from './cpu';
import { describeFileError } from './files';
import { type NpyArray, parseNpy, serializeNpy } from './npy';
import { type Plan, buildPlan, unfoldPath } from './plan';
import { fillRandom } from './random';
import { type AdapterReport, PlanTooLargeError, WebGpuBackend, checkFits } from './webgpu/host';

export type BackendName = 'auto' | 'cpu' | 'webgpu';

export const DEFAULT_BUDGET_BYTES = 2 * 1024 ** 3;

/** An error in the user's input or environment; its message is for the user, without a stack. */
export class JobError extends Error {
    constructor(
        message: string,
        public readonly diagnostics: Diagnostic[] = [],
    ) {
        super(message);
    }
}

/** A statement name that the file does not define as an equation (bad usage on the command line). */
export class StatementError extends JobError {}

export interface JobOptions {
    file: string;
    /** The file's text, when the caller has it (an unsaved editor buffer). */
    text?: string;
    statement?: string;
    backend?: BackendName;
    /** Input files by tensor name. */
    inputs?: Record<string, string>;
    seed?: number;
    budgetBytes?: number;
}

export interface RunOptions extends JobOptions {
    /** Output files by tensor name (the target or any statement evaluated on the way). */
    save?: Record<string, string>;
    check?: boolean;
    /** Write index patterns out as dense tensors (to compare; slower and larger). */
    densePatterns?: boolean;
}

export interface BenchOptions extends JobOptions {
    warmup?: number;
    repeat?: number;
}

export interface BackendInfo {
    name: 'cpu' | 'webgpu';
    adapter?: string;
    timing: 'timestamp-query' | 'queue-completion' | 'performance.now';
    notes: string[];
}

export interface StepReport extends StepTiming {
    gflops: number;
}

export interface StatementRun {
    name: string;
    shape: number[];
    dtype: DType;
    ms: number;
    steps: StepReport[];
}

export interface RunReport {
    file: string;
    statement: string;
    backend: BackendInfo;
    shape: number[];
    dtype: DType;
    /** Every statement evaluated, dependencies first; the target is last. */
    evaluated: StatementRun[];
    inputs: Record<string, { source: 'file' | 'seed'; file?: string; shape: number[] }>;
    summary: { min: number; max: number; mean: number; norm: number; first: number[] };
    saved: Record<string, string>;
    /** `maxRelError` is max|a − b| / max|b|, with b the reference. */
    check?: { reference: string; maxAbsError: number; maxRelError: number };
    totalMs: number;
}

export interface PlanBench {
    plan: 'structured' | 'dense-patterns' | 'unfold';
    totalMs: number;
    flops: number;
    bytes: number;
    memoryBytes: number;
    gflops: number;
    /** This plan's median time over the structured plan's. */
    ratio: number;
    steps: StepReport[];
    /** Why the plan was not measured (too large for the budget or the adapter). */
    skipped?: string;
}

export interface BenchReport {
    file: string;
    statement: string;
    backend: BackendInfo;
    shape: number[];
    dtype: DType;
    warmup: number;
    repeat: number;
    plans: PlanBench[];
}

export interface Progress {
    (message: string): void;
}

/** The backend a job runs on; the WebGPU one owns a worker thread until closed. */
export interface Backend {
    info: BackendInfo;
    /** Throws PlanTooLargeError when the plan does not fit; called before any input is made. */
    check(plan: Plan, budgetBytes: number): void;
    run(
        plan: Plan,
        inputs: Record<string, Float>,
        options: { warmup: number; repeat: number; budgetBytes: number },
        cancel?: CancelToken,
    ): Promise<{ output: Float; steps: StepTiming[]; totalMs: number; notes: string[] }>;
    close(): Promise<void>;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The CPU gathers an implicit-GEMM operand into scratch memory while its step runs. */
function scratchElements(plan: Plan): number {
    let most = 0;
    for (const step of plan.steps) {
        if (step.kind !== 'gemm') continue;
        let elements = 0;
        for (const view of [step.aView, step.bView]) {
            if (view !== undefined) elements += elementCount(view.outShape);
        }
        most = Math.max(most, elements);
    }
    return most;
}

/** The most elements of one typed array in this engine (V8 in Node 20: 2^32). */
export const MAX_TYPED_ARRAY_ELEMENTS = 2 ** 32;

/** Refuses a plan with a buffer (or scratch) the CPU backend cannot allocate as one typed array. */
function checkCpuLimits(plan: Plan): void {
    const largest = plan.buffers.reduce(
        (most, buffer) => (buffer.elements > most.elements ? buffer : most),
        { elements: 0 } as { elements: number; name?: string },
    );
    const scratch = scratchElements(plan);
    const [elements, what] =
        scratch > largest.elements
            ? [scratch, 'scratch for an implicit GEMM']
            : [largest.elements, largest.name !== undefined ? largest.name : 'a buffer'];
    if (elements > MAX_TYPED_ARRAY_ELEMENTS) {
        throw new PlanTooLargeError(
            `the plan for ${plan.name} needs ${elements} elements in one array (${what}), ` +
                `more than the CPU backend's limit of ${MAX_TYPED_ARRAY_ELEMENTS} elements ` +
                `per typed array`,
        );
    }
}

export function cpuBackend(): Backend {
    return {
        info: { name: 'cpu', timing: 'performance.now', notes: [] },
        check(plan, budgetBytes) {
            checkFits(
                plan,
                BYTES_PER_ELEMENT[plan.dtype === 'f16' ? 'f32' : plan.dtype],
                budgetBytes,
                undefined,
                scratchElements(plan),
            );
            checkCpuLimits(plan);
        },
        async run(plan, inputs, options, cancel) {
            checkFits(
                plan,
                BYTES_PER_ELEMENT[plan.dtype === 'f16' ? 'f32' : plan.dtype],
                options.budgetBytes,
            );
            const rounds: StepTiming[][] = [];
            let output: Float = new Float32Array(0);
            for (let round = 0; round < options.warmup + options.repeat; round++) {
                const result = await runCpu(plan, inputs, cancel);
                output = result.output;
                if (round >= options.warmup) rounds.push(result.steps);
            }
            const steps = plan.steps.map((_, at) => ({
                ...rounds[0]![at]!,
                ms: median(rounds.map((round) => round[at]!.ms)),
            }));
            const notes =
                plan.dtype === 'f16'
                    ? ['the CPU backend stores f16 values in half precision and computes in f32']
                    : [];
            return { output, steps, totalMs: steps.reduce((sum, step) => sum + step.ms, 0), notes };
        },
        async close() {},
    };
}

export async function webgpuBackend(): Promise<Backend> {
    const gpu = await WebGpuBackend.open();
    const adapter: AdapterReport = gpu.adapter;
    return {
        info: {
            name: 'webgpu',
            adapter: adapter.description,
            timing: adapter.timestamps ? 'timestamp-query' : 'queue-completion',
            notes: [],
        },
        check(plan, budgetBytes) {
            const { element } = gpu.element(plan);
            checkFits(plan, BYTES_PER_ELEMENT[element], budgetBytes, adapter.limits);
        },
        async run(plan, inputs, options, cancel) {
            const result = await gpu.run(
                plan,
                inputs,
                {
                    warmup: options.warmup,
                    repeat: options.repeat,
                    budgetBytes: options.budgetBytes,
                },
                cancel,
            );
            return {
                output: result.output,
                steps: result.steps,
                totalMs: result.totalMs,
                notes: result.notes,
            };
        },
        close: () => gpu.close(),
    };
}

/**
 * WebGPU that hands a plan it cannot take (an adapter limit, a kernel's rank) to the CPU, when the
 * CPU can take it, and says why in the run's notes.
 */
function withCpuFallback(gpu: Backend): Backend {
    const cpu = cpuBackend();
    const onCpu = new WeakMap<Plan, string>();
    return {
        info: gpu.info,
        check(plan, budgetBytes) {
            try {
                gpu.check(plan, budgetBytes);
                onCpu.delete(plan);
            } catch (error) {
                if (!(error instanceof PlanTooLargeError)) throw error;
                try {
                    cpu.check(plan, budgetBytes);
                } catch {
                    throw error;
                }
                onCpu.set(plan, error.message);
            }
        },
        async run(plan, inputs, options, cancel) {
            const why = onCpu.get(plan);
            if (why === undefined) return gpu.run(plan, inputs, options, cancel);
            const result = await cpu.run(plan, inputs, options, cancel);
            const note = `WebGPU cannot take ${plan.name}: ${why}; ran it on the CPU`;
            return { ...result, notes: [note, ...result.notes] };
        },
        close: () => gpu.close(),
    };
}

/** `auto` takes WebGPU when an adapter opens and says why when it falls back to the CPU. */
export async function openBackend(name: BackendName = 'auto'): Promise<Backend> {
    if (name === 'cpu') return cpuBackend();
    try {
        const gpu = await webgpuBackend();
        return name === 'auto' ? withCpuFallback(gpu) : gpu;
    } catch (error) {
        if (name === 'webgpu')
            throw new JobError(`the WebGPU backend is unavailable: ${(error as Error).message}`);
        const backend = cpuBackend();
        backend.info.notes.push(`WebGPU unavailable (${(error as Error).message}); ran on the CPU`);
        return backend;
    }
}

function readText(options: JobOptions): string {
    if (options.text !== undefined) return options.text;
    try {
        return readFileSync(options.file, 'utf8');
    } catch (error) {
        throw new JobError(`cannot read ${options.file}: ${describeFileError(error)}`);
    }
}

function analysed(options: JobOptions): { analysis: Analysis; target: EquationInfo } {
    const analysis = analyze(readText(options));
    const errors = analysis.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (errors.length > 0) {
        throw new JobError(
            `${options.file} has ${errors.length} error(s); nothing was run`,
            errors,
        );
    }
    if (analysis.equations.length === 0)
        throw new JobError(`${options.file} defines no equation to run`);
    const names = analysis.equations.map((equation) => equation.name);
    const target =
        options.statement === undefined
            ? analysis.equations.at(-1)!
            : analysis.equations.find((equation) => equation.name === options.statement);
    if (target === undefined) {
        const symbol = analysis.symbols.find((candidate) => candidate.name === options.statement);
        const what =
            symbol === undefined ? 'is not defined' : `is a ${symbol.kind}, not an equation`;
        throw new StatementError(
            `'${options.statement}' ${what} in ${options.file}; equations: ${names.join(', ')}`,
        );
    }
    if (target.network === undefined) throw new JobError(`${target.name} has no network to run`);
    return { analysis, target };
}

/** The equations a target needs, dependencies first. */
function dependencyOrder(analysis: Analysis, target: EquationInfo): EquationInfo[] {
    const byName = new Map(analysis.equations.map((equation) => [equation.name, equation]));
    const order: EquationInfo[] = [];
    const visit = (equation: EquationInfo, trail: string[]): void => {
        if (order.includes(equation)) return;
        if (trail.includes(equation.name)) throw new JobError(`${equation.name} depends on itself`);
        for (const term of equation.network?.terms ?? []) {
            for (const operand of term.operands) {
                if (operand.source.kind !== 'tensor') continue;
                const dependency = byName.get(operand.source.tensor);
                if (dependency !== undefined && dependency !== equation) {
                    visit(dependency, [...trail, equation.name]);
                }
            }
        }
        order.push(equation);
    };
    visit(target, []);
    return order;
}

export type PlanKind = PlanBench['plan'];

/** A plan with the cost model's paths (structured FLOPs unless the patterns are dense). */
export function planFor(network: Network, kind: PlanKind = 'structured'): Plan {
    const paths = network.terms.map((term) => {
        if (kind === 'unfold') return unfoldPath(term, network.sizes, term.output);
        try {
            return contractionPath(term, network.sizes, network.output.dtype, {
                objective: kind === 'structured' ? 'structured-flops' : 'flops',
            }).path;
        } catch {
            return undefined;
        }
    });
    return buildPlan(network, {
        paths,
        densePatterns: kind === 'dense-patterns',
        implicitGemm: kind === 'structured',
    });
}

function loadInput(name: string, file: string, shape: number[]): NpyArray {
    let bytes: Uint8Array;
    try {
        bytes = readFileSync(file);
    } catch (error) {
        throw new JobError(`cannot read ${file} for ${name}: ${describeFileError(error)}`);
    }
    let array: NpyArray;
    try {
        array = parseNpy(bytes, file);
    } catch (error) {
        throw new JobError((error as Error).message);
    }
    if (array.shape.join() !== shape.join()) {
        throw new JobError(
            `${file} holds an array of shape [${array.shape.join(', ')}], but ${name} is declared ` +
                `[${shape.join(', ')}]`,
        );
    }
    return array;
}

interface Evaluation {
    backend: Backend;
    values: Map<string, Float>;
    runs: StatementRun[];
    inputs: RunReport['inputs'];
    target: EquationInfo;
    analysis: Analysis;
}

function stepReports(steps: StepTiming[]): StepReport[] {
    return steps.map((step) => ({ ...step, gflops: step.ms > 0 ? step.flops / step.ms / 1e6 : 0 }));
}

/** The leaves a network reads: declared tensors from files or the seed, earlier results as computed. */
function gatherInputs(
    plan: Plan,
    analysis: Analysis,
    options: JobOptions,
    values: Map<string, Float>,
    inputs: RunReport['inputs'],
): Record<string, Float> {
    const result: Record<string, Float> = {};
    for (const input of plan.inputs) {
        let value = values.get(input.name);
        if (value === undefined) {
            const symbol = analysis.symbols.find((candidate) => candidate.name === input.name);
            const shape = symbol?.shape ?? input.shape;
            const file = options.inputs?.[input.name];
            if (file !== undefined) {
                const array = loadInput(input.name, file, shape);
                value = array.data;
                inputs[input.name] = { source: 'file', file, shape };
            } else {
                value = fillRandom(
                    allocate(plan.dtype, elementCount(shape)),
                    options.seed ?? 0,
                    input.name,
                );
                inputs[input.name] = { source: 'seed', shape };
            }
            values.set(input.name, value);
        }
        result[input.name] =
            plan.dtype === 'f64' ? Float64Array.from(value) : Float32Array.from(value);
    }
    return result;
}

/** The file read and analysed and the inputs named checked, before a backend is opened. */
function prepare(options: JobOptions): { analysis: Analysis; target: EquationInfo } {
    const prepared = analysed(options);
    for (const name of Object.keys(options.inputs ?? {})) {
        const symbol = prepared.analysis.symbols.find((candidate) => candidate.name === name);
        if (symbol?.kind !== 'tensor') {
            throw new JobError(`--input ${name}: ${options.file} declares no tensor ${name}`);
        }
    }
    return prepared;
}

async function evaluate(
    options: RunOptions,
    prepared: { analysis: Analysis; target: EquationInfo },
    backend: Backend,
    cancel?: CancelToken,
    progress?: Progress,
): Promise<Evaluation> {
    const { analysis, target } = prepared;
    const values = new Map<string, Float>();
    const runs: StatementRun[] = [];
    const inputs: RunReport['inputs'] = {};
    for (const equation of dependencyOrder(analysis, target)) {
        if (cancel?.cancelled === true) throw new CancelledError();
        progress?.(`running ${equation.name}`);
        const plan = planFor(
            equation.network!,
            options.densePatterns === true ? 'dense-patterns' : 'structured',
        );
        backend.check(plan, options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
        const given = gatherInputs(plan, analysis, options, values, inputs);
        const result = await backend.run(
            plan,
            given,
            { warmup: 0, repeat: 1, budgetBytes: options.budgetBytes ?? DEFAULT_BUDGET_BYTES },
            cancel,
        );
        for (const note of result.notes)
            if (!backend.info.notes.includes(note)) backend.info.notes.push(note);
        values.set(equation.name, result.output);
        runs.push({
            name: equation.name,
            shape: plan.output.shape,
            dtype: plan.dtype,
            ms: result.totalMs,
            steps: stepReports(result.steps),
        });
    }
    return { backend, values, runs, inputs, target, analysis };
}

function summary(values: Float): RunReport['summary'] {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let squares = 0;
    for (const value of values) {
        min = Math.min(min, value);
        max = Math.max(max, value);
        sum += value;
        squares += value * value;
    }
    return {
        min: values.length > 0 ? min : 0,
        max: values.length > 0 ? max : 0,
        mean: values.length > 0 ? sum / values.length : 0,
        norm: Math.sqrt(squares),
        first: Array.from(values.subarray(0, 8)),
    };
}

export async function runJob(
    options: RunOptions,
    cancel?: CancelToken,
    progress?: Progress,
    backend?: Backend,
): Promise<RunReport> {
    const started = performance.now();
    const prepared = prepare(options);
    const owned = backend === undefined;
    const chosen = backend ?? (await openBackend(options.backend));
    try {
        const evaluation = await evaluate(options, prepared, chosen, cancel, progress);
        const target = evaluation.runs.at(-1)!;
        const output = evaluation.values.get(target.name)!;
        const saved: Record<string, string> = {};
        for (const [name, file] of Object.entries(options.save ?? {})) {
            const value = evaluation.values.get(name);
            const run = evaluation.runs.find((candidate) => candidate.name === name);
            if (value === undefined || run === undefined) {
                throw new JobError(
                    `--save ${name}: not computed; evaluated ${evaluation.runs.map((r) => r.name).join(', ')}`,
                );
            }
            const array: NpyArray =
                value instanceof Float64Array
                    ? { dtype: 'f64', shape: run.shape, data: value }
                    : { dtype: 'f32', shape: run.shape, data: value };
            try {
                writeFileSync(file, serializeNpy(array));
            } catch (error) {
                throw new JobError(`cannot write ${file}: ${describeFileError(error, true)}`);
            }
            saved[name] = file;
        }
        const report: RunReport = {
            file: options.file,
            statement: target.name,
            backend: chosen.info,
            shape: target.shape,
            dtype: target.dtype,
            evaluated: evaluation.runs,
            inputs: evaluation.inputs,
            summary: summary(output),
            saved,
            totalMs: 0,
        };
        if (options.check === true) {
            progress?.('checking against the CPU in f64');
            report.check = await checkAgainstCpu(options, evaluation, output, cancel);
        }
        report.totalMs = performance.now() - started;
        return report;
    } finally {
        if (owned) await chosen.close();
    }
}

/** The same statements on the CPU in f64, from the same inputs; the largest differences. */
async function checkAgainstCpu(
    options: JobOptions,
    evaluation: Evaluation,
    output: Float,
    cancel?: CancelToken,
): Promise<NonNullable<RunReport['check']>> {
    const values = new Map<string, Float>();
    for (const name of Object.keys(evaluation.inputs))
        values.set(name, Float64Array.from(evaluation.values.get(name)!));
    let reference: Float = new Float64Array(0);
    for (const equation of dependencyOrder(evaluation.analysis, evaluation.target)) {
        const network: Network = {
            ...equation.network!,
            output: { ...equation.network!.output, dtype: 'f64' },
        };
        const plan = planFor(network);
        const inputs: Record<string, Float> = {};
        for (const input of plan.inputs) inputs[input.name] = values.get(input.name)!;
        checkFits(plan, 8, options.budgetBytes ?? DEFAULT_BUDGET_BYTES);
        checkCpuLimits(plan);
        reference = (await runCpu(plan, inputs, cancel)).output;
        values.set(equation.name, reference);
    }
    // The relative error is over the reference's largest magnitude, not per element, so that
    // entries near zero do not dominate it.
    let maxAbsError = 0;
    let largest = 0;
    for (let at = 0; at < reference.length; at++) {
        maxAbsError = Math.max(maxAbsError, Math.abs(output[at]! - reference[at]!));
        largest = Math.max(largest, Math.abs(reference[at]!));
    }
    const maxRelError = largest > 0 ? maxAbsError / largest : 0;
    return { reference: 'cpu f64', maxAbsError, maxRelError };
}

export async function benchJob(
    options: BenchOptions,
    cancel?: CancelToken,
    progress?: Progress,
    backend?: Backend,
): Promise<BenchReport> {
    const { analysis, target } = prepare(options);
    const owned = backend === undefined;
    const chosen = backend ?? (await openBackend(options.backend));
    const warmup = options.warmup ?? 2;
    const repeat = Math.max(1, options.repeat ?? 10);
    const budgetBytes = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    try {
        // The statements the target depends on run once, as in `run`, to give it its inputs.
        const values = new Map<string, Float>();
        const inputs: RunReport['inputs'] = {};
        for (const equation of dependencyOrder(analysis, target).slice(0, -1)) {
            progress?.(`running ${equation.name} for its result`);
            const plan = planFor(equation.network!);
            chosen.check(plan, budgetBytes);
            const given = gatherInputs(plan, analysis, options, values, inputs);
            const result = await chosen.run(
                plan,
                given,
                { warmup: 0, repeat: 1, budgetBytes },
                cancel,
            );
            values.set(equation.name, result.output);
        }
        const network = target.network!;
        const hasPatterns = network.terms.some((term) =>
            term.operands.some((operand) => operand.source.kind === 'pattern'),
        );
        const kinds: PlanKind[] = hasPatterns
            ? ['structured', 'dense-patterns', 'unfold']
            : ['structured'];
        const plans: PlanBench[] = [];
        for (const kind of kinds) {
            if (cancel?.cancelled === true) throw new CancelledError();
            progress?.(`benchmarking the ${kind} plan of ${target.name}`);
            const plan = planFor(network, kind);
            const bytes = plan.steps.reduce((sum, step) => sum + step.bytes, 0);
            const entry: PlanBench = {
                plan: kind,
                totalMs: 0,
                flops: plan.flops,
                bytes,
                memoryBytes: plan.memoryBytes,
                gflops: 0,
                ratio: 0,
                steps: [],
            };
            try {
                chosen.check(plan, budgetBytes);
                const given = gatherInputs(plan, analysis, options, values, inputs);
                const result = await chosen.run(
                    plan,
                    given,
                    { warmup, repeat, budgetBytes },
                    cancel,
                );
                for (const note of result.notes)
                    if (!chosen.info.notes.includes(note)) chosen.info.notes.push(note);
                entry.totalMs = result.totalMs;
                entry.steps = stepReports(result.steps);
                entry.gflops = result.totalMs > 0 ? plan.flops / result.totalMs / 1e6 : 0;
            } catch (error) {
                // A comparison plan that does not fit is reported as skipped; the structured one must run.
                if (kind === 'structured' || !(error instanceof PlanTooLargeError)) throw error;
                entry.skipped = error.message;
            }
            plans.push(entry);
        }
        const base = plans[0]!.totalMs;
        for (const entry of plans)
            entry.ratio = entry.skipped === undefined && base > 0 ? entry.totalMs / base : 0;
        return {
            file: options.file,
            statement: target.name,
            backend: chosen.info,
            shape: analysis.symbols.find((symbol) => symbol.name === target.name)?.shape ?? [],
            dtype: network.output.dtype,
            warmup,
            repeat,
            plans,
        };
    } finally {
        if (owned) await chosen.close();
    }
}
