/**
 * The WebGPU backend as its callers see it: starts the Dawn worker thread, checks a plan against
 * the adapter's limits before anything is allocated, converts inputs and outputs, and turns the
 * worker's replies into results or errors in words.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { BYTES_PER_ELEMENT } from '../../network/ir';
import { type Float, type RunResult, CancelledError } from '../cpu';
import { decodeHalf, encodeHalf } from '../half';
import { type Plan } from '../plan';
import {
    type AdapterReport,
    type DeviceElement,
    type Reply,
    type Request,
    type RunReply,
    type RunRequest,
    CANCELLED,
} from './messages';

export type { AdapterReport } from './messages';

export interface WebGpuOptions {
    /** Extra Dawn flags, such as `backend=opengl`. */
    flags?: string[];
    /** Ask for a compatibility-mode adapter (needed with Dawn's OpenGL backend). */
    compatibility?: boolean;
    /** WGSL sources that replace the shipped kernels of the same name (tests use broken ones). */
    kernels?: Record<string, string>;
}

export interface GpuRunOptions {
    warmup?: number;
    repeat?: number;
    readback?: boolean;
    /** The memory budget in bytes; a plan above it is refused before anything is allocated. */
    budgetBytes?: number;
}

export interface GpuRunResult extends RunResult {
    /** Per repeat, per step, milliseconds (the median over repeats is in `steps`). */
    repeats: number[][];
    wallMs: number[];
    timing: RunReply['timing'];
    element: DeviceElement;
    notes: string[];
}

/** The gather kernel's fixed limits (see gather.wgsl). */
const MAX_RANK = 16;
const MAX_CONSTRAINTS = 8;

const KERNELS = ['gemm', 'gather', 'fill'];

/** Where the worker and the WGSL files are: next to this file under tsx, in dist/ when bundled. */
function locate(): { worker: string; kernels: string; source: boolean } {
    const source = join(__dirname, 'worker.ts');
    if (existsSync(source))
        return { worker: source, kernels: join(__dirname, 'kernels'), source: true };
    return {
        worker: join(__dirname, 'webgpu-worker.js'),
        kernels: join(__dirname, 'wgsl'),
        source: false,
    };
}

/** Under tsx the worker's TypeScript is loaded through tsx's require hook. */
function startWorker(where: { worker: string; source: boolean }): Worker {
    if (!where.source) return new Worker(where.worker);
    const bootstrap = `require('tsx/cjs'); require(${JSON.stringify(where.worker)});`;
    return new Worker(bootstrap, { eval: true });
}

export function loadKernels(directory = locate().kernels): Record<string, string> {
    const kernels: Record<string, string> = {};
    for (const name of KERNELS)
        kernels[name] = readFileSync(join(directory, `${name}.wgsl`), 'utf8');
    return kernels;
}

/** Dawn warns when `XDG_RUNTIME_DIR` is unset; give it a private directory. */
function runtimeDirectory(): void {
    if (process.env.XDG_RUNTIME_DIR !== undefined) return;
    const directory = join(tmpdir(), `tnet-xdg-${process.getuid?.() ?? 'user'}`);
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = directory;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function formatBytes(bytes: number): string {
    if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
    if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
    return `${bytes} bytes`;
}

/** A plan that does not fit; the message gives the figures. */
export class PlanTooLargeError extends Error {}

/** Refuses a plan that exceeds the budget or an adapter limit, before anything is allocated. */
export function checkFits(
    plan: Plan,
    bytesPerElement: number,
    budgetBytes: number | undefined,
    limits?: AdapterReport['limits'],
    scratchElements = 0,
): void {
    const total =
        plan.buffers.reduce((sum, buffer) => sum + buffer.elements * bytesPerElement, 0) +
        scratchElements * bytesPerElement;
    if (budgetBytes !== undefined && total > budgetBytes) {
        throw new PlanTooLargeError(
            `the plan for ${plan.name} needs ${formatBytes(total)} in ${plan.buffers.length} buffers, ` +
                `more than the memory budget of ${formatBytes(budgetBytes)}`,
        );
    }
    if (limits === undefined) return;
    const largest = plan.buffers.reduce((most, buffer) =>
        buffer.elements > most.elements ? buffer : most,
    );
    const bytes = largest.elements * bytesPerElement;
    const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    if (bytes > limit) {
        const which =
            limits.maxStorageBufferBindingSize <= limits.maxBufferSize
                ? `maxStorageBufferBindingSize (${formatBytes(limits.maxStorageBufferBindingSize)})`
                : `maxBufferSize (${formatBytes(limits.maxBufferSize)})`;
        throw new PlanTooLargeError(
            `the plan for ${plan.name} needs a buffer of ${formatBytes(bytes)} ` +
                `(${largest.elements} elements${largest.name !== undefined ? `, ${largest.name}` : ''}), ` +
                `more than the adapter's ${which}`,
        );
    }
    for (const step of plan.steps) {
        if (step.kind !== 'gather') continue;
        const rank = step.outShape.length + step.sumShape.length;
        if (rank > MAX_RANK || step.constraints.length > MAX_CONSTRAINTS) {
            throw new PlanTooLargeError(
                `the step '${step.label}' has ${rank} indices and ${step.constraints.length} patterns; ` +
                    `the WebGPU gather kernel handles at most ${MAX_RANK} and ${MAX_CONSTRAINTS}`,
            );
        }
    }
}

export class WebGpuBackend {
    private next = 1;
    private readonly pending = new Map<
        number,
        { resolve: (value: unknown) => void; reject: (error: Error) => void }
    >();
    private exited?: string;

    private constructor(
        private readonly worker: Worker,
        public adapter: AdapterReport,
    ) {}

    static async open(options: WebGpuOptions = {}): Promise<WebGpuBackend> {
        runtimeDirectory();
        const where = locate();
        const worker = startWorker(where);
        const backend = new WebGpuBackend(worker, undefined as unknown as AdapterReport);
        worker.on('message', (reply: Reply) => backend.settle(reply));
        worker.on('error', (error) => backend.fail(`the WebGPU worker failed: ${error.message}`));
        worker.on('exit', (code) => backend.fail(`the WebGPU worker stopped (exit code ${code})`));
        const extra = (process.env.TNET_DAWN_FLAGS ?? '')
            .split(/\s+/)
            .filter((flag) => flag !== '');
        const flags = [...(options.flags ?? []), ...extra];
        // Dawn's OpenGL backends only offer compatibility-mode adapters.
        const compatibility =
            options.compatibility ?? flags.some((flag) => /^backend=opengl(es)?$/.test(flag));
        try {
            backend.adapter = (await backend.call({
                type: 'open',
                flags: ['disable-dawn-features=timestamp_quantization', ...flags],
                kernels: { ...loadKernels(where.kernels), ...options.kernels },
                compatibility,
            })) as AdapterReport;
        } catch (error) {
            await worker.terminate();
            throw error;
        }
        return backend;
    }

    private settle(reply: Reply): void {
        const waiting = this.pending.get(reply.id);
        if (waiting === undefined) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiting.resolve(reply.result);
        else waiting.reject(new Error(reply.error));
    }

    private fail(reason: string): void {
        this.exited ??= reason;
        for (const waiting of this.pending.values()) waiting.reject(new Error(reason));
        this.pending.clear();
    }

    private call(request: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
        if (this.exited !== undefined) return Promise.reject(new Error(this.exited));
        const id = this.next++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.worker.postMessage({ id, request }, transfer);
        });
    }

    /** The element type the device computes a plan in, and why when it differs from the plan's. */
    element(plan: Plan): { element: DeviceElement; notes: string[] } {
        if (plan.dtype === 'f16') {
            if (!this.adapter.f16) {
                throw new Error(
                    `${plan.name} is f16, but the adapter '${this.adapter.description}' has no ` +
                        "'shader-f16' feature; use --backend cpu or declare the tensors f32",
                );
            }
            return { element: 'f16', notes: [] };
        }
        if (plan.dtype === 'f64') {
            return {
                element: 'f32',
                notes: ['WGSL has no f64: the WebGPU backend computed this f64 network in f32'],
            };
        }
        return { element: 'f32', notes: [] };
    }

    async run(
        plan: Plan,
        inputs: Record<string, Float>,
        options: GpuRunOptions = {},
        cancel?: { cancelled: boolean },
    ): Promise<GpuRunResult> {
        const { element, notes } = this.element(plan);
        checkFits(plan, BYTES_PER_ELEMENT[element], options.budgetBytes, this.adapter.limits);
        const values: Record<number, ArrayBuffer> = {};
        for (const input of plan.inputs) {
            const given = inputs[input.name];
            const elements = plan.buffers[input.buffer]!.elements;
            if (given === undefined) throw new Error(`no values for input ${input.name}`);
            if (given.length !== elements) {
                throw new Error(
                    `input ${input.name} has ${given.length} elements, the plan needs ${elements}`,
                );
            }
            values[input.buffer] =
                element === 'f16'
                    ? (encodeHalf(given).buffer as ArrayBuffer)
                    : Float32Array.from(given).buffer;
        }
        if (cancel?.cancelled === true) throw new CancelledError();
        const request: RunRequest = {
            type: 'run',
            plan,
            element,
            inputs: values,
            warmup: options.warmup ?? 0,
            repeat: Math.max(1, options.repeat ?? 1),
            readback: options.readback ?? true,
            cancel: new SharedArrayBuffer(4),
        };
        // The cancel token is polled while the worker runs, and the flag shared with it is raised.
        const flag = new Int32Array(request.cancel);
        const poll = setInterval(() => {
            if (cancel?.cancelled === true) Atomics.store(flag, 0, 1);
        }, 20);
        let reply: RunReply;
        try {
            reply = (await this.call(request, Object.values(values))) as RunReply;
        } catch (error) {
            if (error instanceof Error && error.message === CANCELLED) throw new CancelledError();
            throw error;
        } finally {
            clearInterval(poll);
        }
        const elements = plan.buffers[plan.output.buffer]!.elements;
        let output: Float = new Float32Array(0);
        if (reply.output !== undefined) {
            const raw =
                element === 'f16'
                    ? decodeHalf(new Uint16Array(reply.output), elements)
                    : new Float32Array(reply.output, 0, elements);
            output = plan.dtype === 'f64' ? Float64Array.from(raw) : raw;
        }
        const steps = plan.steps.map((step, at) => ({
            label: step.label,
            kind: step.kind,
            ms: median(reply.stepMs.map((times) => times[at]!)),
            flops: step.flops,
            bytes: (step.bytes / BYTES_PER_ELEMENT[plan.dtype]) * BYTES_PER_ELEMENT[element],
        }));
        return {
            output,
            shape: plan.output.shape,
            steps,
            totalMs: steps.reduce((sum, step) => sum + step.ms, 0),
            repeats: reply.stepMs,
            wallMs: reply.wallMs,
            timing: reply.timing,
            element,
            notes,
        };
    }

    async close(): Promise<void> {
        if (this.exited === undefined) {
            try {
                await this.call({ type: 'close' });
            } catch {
                // The worker is terminated below whatever it answered.
            }
        }
        this.exited ??= 'the WebGPU backend was closed';
        await this.worker.terminate();
    }
}
