/**
 * The worker thread that hosts Dawn: it opens the device, compiles and caches pipelines, runs
 * plans and reads results back. It runs no heavy JavaScript of its own (Dawn on lavapipe can crash
 * a thread that has run hot, optimised code), so conversions and inputs are made by the host.
 */
import { parentPort } from 'node:worker_threads';
import { create, globals } from 'webgpu';

import type { GatherStep, GatherView, GemmStep, Plan, Step } from '../plan';
import {
    type AdapterReport,
    type DeviceElement,
    type Envelope,
    type OpenRequest,
    type Reply,
    type RunReply,
    type RunRequest,
    CANCELLED,
} from './messages';

const WORKGROUP = 256;

interface Session {
    /** Held so that Dawn's instance and adapter live as long as the device (a collected instance crashes). */
    gpu: GPU;
    adapter: GPUAdapter;
    device: GPUDevice;
    report: AdapterReport;
    kernels: Record<string, string>;
    pipelines: Map<string, GPUComputePipeline>;
    lost?: string;
    uncaptured: string[];
}

let session: Session | undefined;

async function open(request: OpenRequest): Promise<AdapterReport> {
    if (session !== undefined && session.lost === undefined) return session.report;
    Object.assign(globalThis, globals);
    const gpu = create(request.flags);
    const adapter = await gpu.requestAdapter(
        request.compatibility
            ? { featureLevel: 'compatibility' }
            : { powerPreference: 'high-performance' },
    );
    if (adapter === null) {
        throw new Error(
            'no WebGPU adapter was found (Dawn saw no usable Vulkan, Metal or D3D driver; on ' +
                'Linux without a GPU, install the lavapipe driver from mesa-vulkan-drivers 25)',
        );
    }
    const timestamps = adapter.features.has('timestamp-query');
    const f16 = adapter.features.has('shader-f16');
    const requiredFeatures: GPUFeatureName[] = [];
    if (timestamps) requiredFeatures.push('timestamp-query');
    if (f16) requiredFeatures.push('shader-f16');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
        requiredFeatures,
        requiredLimits: {
            maxBufferSize: limits.maxBufferSize,
            maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
            maxComputeInvocationsPerWorkgroup: Math.min(
                256,
                limits.maxComputeInvocationsPerWorkgroup,
            ),
            maxComputeWorkgroupSizeX: Math.min(256, limits.maxComputeWorkgroupSizeX),
        },
    });
    const info = adapter.info;
    const report: AdapterReport = {
        description: info.description || info.device || info.vendor || 'unknown adapter',
        vendor: info.vendor,
        architecture: info.architecture,
        features: [...adapter.features].map(String).sort(),
        limits: {
            maxBufferSize: limits.maxBufferSize,
            maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
            maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
            maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
            maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        },
        timestamps,
        f16,
    };
    const current: Session = {
        gpu,
        adapter,
        device,
        report,
        kernels: request.kernels,
        pipelines: new Map(),
        uncaptured: [],
    };
    void device.lost.then((lost) => {
        current.lost = lost.message || String(lost.reason);
    });
    device.addEventListener('uncapturederror', (event) => {
        current.uncaptured.push((event as GPUUncapturedErrorEvent).error.message);
    });
    session = current;
    return report;
}

function live(): Session {
    if (session === undefined) throw new Error('the WebGPU device is not open');
    if (session.lost !== undefined) {
        throw new Error(`the GPU device was lost (${session.lost}); open it again to continue`);
    }
    return session;
}

/** Runs `work` inside validation and out-of-memory error scopes; an error names what was done. */
async function scoped<T>(what: string, work: () => T): Promise<T> {
    const { device } = live();
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let result: T | undefined;
    let thrown: unknown;
    try {
        result = work();
    } catch (error) {
        thrown = error;
    }
    // The scopes are popped whatever happened, so that they stay balanced.
    const validation = await device.popErrorScope();
    const memory = await device.popErrorScope();
    if (validation !== null) {
        throw new Error(`WebGPU validation error while ${what}: ${validation.message}`);
    }
    if (memory !== null) throw new Error(`out of GPU memory while ${what}: ${memory.message}`);
    if (thrown !== undefined) throw thrown;
    return result as T;
}

async function pipeline(
    kernel: string,
    entry: string,
    element: DeviceElement,
    header = '',
): Promise<GPUComputePipeline> {
    const current = live();
    const key = `${kernel}:${entry}:${element}`;
    const cacheKey = `${key}\n${header}`;
    const cached = current.pipelines.get(cacheKey);
    if (cached !== undefined) return cached;
    const template = current.kernels[kernel];
    if (template === undefined) throw new Error(`internal: no WGSL kernel named ${kernel}`);
    const prefix = (element === 'f16' ? 'enable f16;\n' : '') + header;
    const code = prefix + template.replaceAll('ELEMENT', element);
    // Compilation errors are captured here, so that they neither escape as uncaptured errors nor
    // spoil later work on the device.
    current.device.pushErrorScope('validation');
    const module = current.device.createShaderModule({ code, label: key });
    const info = await module.getCompilationInfo();
    const scopeError = await current.device.popErrorScope();
    const errors = info.messages.filter((message) => message.type === 'error');
    const prefixLines = prefix.split('\n').length - 1;
    if (errors.length > 0) {
        throw new Error(
            `the WGSL kernel ${kernel} (${element}) does not compile: ` +
                errors
                    .map((message) => `line ${message.lineNum - prefixLines}: ${message.message}`)
                    .join('; '),
        );
    }
    if (scopeError !== null) {
        throw new Error(`WebGPU validation error while compiling ${kernel}: ${scopeError.message}`);
    }
    const created = await scoped(`creating the ${kernel} pipeline (${element})`, () =>
        current.device.createComputePipeline({
            layout: 'auto',
            compute: { module, entryPoint: entry },
            label: key,
        }),
    );
    current.pipelines.set(cacheKey, created);
    return created;
}

function int32Params(values: number[]): Int32Array<ArrayBuffer> {
    return Int32Array.from(values);
}

function floatBits(value: number): number {
    return new Int32Array(new Float32Array([value]).buffer)[0]!;
}

/** A gather step's geometry as WGSL constants, prepended to gather.wgsl (one pipeline per geometry). */
function gatherHeader(step: GatherStep, outCount: number): string {
    const rank = step.outShape.length + step.sumShape.length;
    const count = step.constraints.length;
    const rankSlots = Math.max(1, rank);
    const countSlots = Math.max(1, count);
    const array = (values: number[], slots: number): string => {
        const padded = [...values, ...new Array<number>(slots - values.length).fill(0)];
        return `array<i32, ${slots}>(${padded.map((value) => `${value}i`).join(', ')})`;
    };
    const field = (pick: (constraint: GatherStep['constraints'][number]) => number): number[] =>
        step.constraints.map(pick);
    const coefs: number[] = [];
    for (const constraint of step.constraints) {
        coefs.push(...constraint.coefs, ...new Array<number>(rankSlots - rank).fill(0));
    }
    const sumCount = step.sumShape.reduce((product, size) => product * size, 1);
    return [
        `const OUT_RANK: u32 = ${step.outShape.length}u;`,
        `const RANK: u32 = ${rank}u;`,
        `const RANK_SLOTS: u32 = ${rankSlots}u;`,
        `const COUNT: u32 = ${count}u;`,
        `const COUNT_SLOTS: u32 = ${countSlots}u;`,
        `const OUT_COUNT: u32 = ${outCount}u;`,
        `const SUM_COUNT: u32 = ${sumCount}u;`,
        `const SRC_OFFSET: i32 = ${step.srcOffset}i;`,
        `const ACCUMULATE: bool = ${step.accumulate};`,
        `const SCALE: f32 = bitcast<f32>(${floatBits(step.scale) >>> 0}u);`,
        `const SHAPE = ${array([...step.outShape, ...step.sumShape], rankSlots)};`,
        `const STRIDES = ${array(step.srcStrides, rankSlots)};`,
        `const BASES = ${array(
            field((c) => c.base),
            countSlots,
        )};`,
        `const DIVISORS = ${array(
            field((c) => c.divisor),
            countSlots,
        )};`,
        `const LIMITS = ${array(
            field((c) => c.size),
            countSlots,
        )};`,
        `const CHECKS = ${array(
            field((c) => c.check),
            countSlots,
        )};`,
        `const SOLVED_STRIDES = ${array(
            field((c) => c.srcStride),
            countSlots,
        )};`,
        `const COEFS = ${array(coefs, countSlots * rankSlots)};`,
        '',
    ].join('\n');
}

/**
 * `loadA` or `loadB` for gemm.wgsl: a plain read, or the unrolled index arithmetic of a pattern
 * gather (decode the element's coordinates, solve each constraint, read or give 0).
 */
function loadFunction(
    name: 'loadA' | 'loadB',
    buffer: 'a' | 'b',
    view: GatherView | undefined,
): string {
    if (view === undefined)
        return `fn ${name}(index: u32) -> f32 { return f32(${buffer}[index]); }\n`;
    const lines = [`fn ${name}(index: u32) -> f32 {`, '    var rest = index;'];
    const rank = view.outShape.length;
    for (let axis = rank - 1; axis >= 0; axis--) {
        lines.push(`    let c${axis} = i32(rest % ${view.outShape[axis]}u);`);
        if (axis > 0) lines.push(`    rest = rest / ${view.outShape[axis]}u;`);
    }
    const terms = (coefficients: number[], base: number): string =>
        [
            `${base}i`,
            ...coefficients.flatMap((coefficient, axis) =>
                coefficient === 0 || axis >= rank ? [] : [`${coefficient}i * c${axis}`],
            ),
        ].join(' + ');
    lines.push(`    var address = ${terms(view.srcStrides, view.srcOffset)};`);
    view.constraints.forEach((constraint, m) => {
        lines.push(`    let n${m} = ${terms(constraint.coefs, constraint.base)};`);
        const divisor = constraint.divisor;
        lines.push(`    let v${m} = n${m} / ${divisor}i;`);
        const checks = [`n${m} < 0i`, `v${m} >= ${constraint.size}i`];
        if (divisor !== 1) checks.push(`v${m} * ${divisor}i != n${m}`);
        if (constraint.check >= 0) checks.push(`v${m} != c${constraint.check}`);
        lines.push(`    if (${checks.join(' || ')}) { return 0.0; }`);
        if (constraint.srcStride !== 0)
            lines.push(`    address += v${m} * ${constraint.srcStride}i;`);
    });
    lines.push(`    return f32(${buffer}[u32(address)]);`, '}', '');
    return lines.join('\n');
}

function gemmParams(step: GemmStep): Uint32Array<ArrayBuffer> {
    return Uint32Array.from([
        step.batch,
        step.m,
        step.n,
        step.k,
        ...step.aStrides,
        ...step.bStrides,
        0,
        0,
    ]);
}

interface Prepared {
    pipeline: GPUComputePipeline;
    bindGroup: GPUBindGroup;
    workgroups: [number, number, number];
    clear?: GPUBuffer;
}

function linearGroups(elements: number, limit: number): [number, number, number] {
    const groups = Math.max(1, Math.ceil(elements / WORKGROUP));
    const x = Math.min(groups, limit);
    const y = Math.ceil(groups / x);
    if (y > limit)
        throw new Error(`a step of ${elements} elements exceeds the adapter's dispatch limit`);
    return [x, y, 1];
}

async function prepare(
    step: Step,
    buffers: GPUBuffer[],
    plan: Plan,
    element: DeviceElement,
    owned: GPUBuffer[],
): Promise<Prepared> {
    const { device, report } = live();
    const limit = report.limits.maxComputeWorkgroupsPerDimension;
    const uniform = (
        data: Uint32Array<ArrayBuffer> | Int32Array<ArrayBuffer>,
        usage: number,
    ): GPUBuffer => {
        const buffer = device.createBuffer({
            size: Math.max(16, data.byteLength),
            usage: usage | GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(buffer, 0, data);
        owned.push(buffer);
        return buffer;
    };
    const dstElements = plan.buffers[step.dst]!.elements;
    switch (step.kind) {
        case 'gather': {
            const kernel = await pipeline(
                'gather',
                'main',
                element,
                gatherHeader(step, dstElements),
            );
            const bindGroup = await scoped(`binding the buffers of '${step.label}'`, () =>
                device.createBindGroup({
                    layout: kernel.getBindGroupLayout(0),
                    entries: [
                        { binding: 0, resource: { buffer: buffers[step.src]! } },
                        { binding: 1, resource: { buffer: buffers[step.dst]! } },
                    ],
                }),
            );
            return { pipeline: kernel, bindGroup, workgroups: linearGroups(dstElements, limit) };
        }
        case 'gemm': {
            const header =
                loadFunction('loadA', 'a', step.aView) + loadFunction('loadB', 'b', step.bView);
            const kernel = await pipeline('gemm', 'main', element, header);
            const params = uniform(gemmParams(step), GPUBufferUsage.UNIFORM);
            const workgroups: [number, number, number] = [
                Math.ceil(step.n / 64),
                Math.ceil(step.m / 64),
                step.batch,
            ];
            if (workgroups.some((count) => count > limit)) {
                throw new Error(
                    `the matrix product '${step.label}' needs [${workgroups}] workgroups; the ` +
                        `adapter allows ${limit} per dimension`,
                );
            }
            const bindGroup = await scoped(`binding the buffers of '${step.label}'`, () =>
                device.createBindGroup({
                    layout: kernel.getBindGroupLayout(0),
                    entries: [
                        { binding: 0, resource: { buffer: buffers[step.aView?.src ?? step.a]! } },
                        { binding: 1, resource: { buffer: buffers[step.bView?.src ?? step.b]! } },
                        { binding: 2, resource: { buffer: buffers[step.dst]! } },
                        { binding: 3, resource: { buffer: params } },
                    ],
                }),
            );
            return { pipeline: kernel, bindGroup, workgroups };
        }
        case 'fill':
        case 'pattern': {
            const entry = step.kind;
            const kernel = await pipeline('fill', entry, element);
            const values =
                step.kind === 'fill'
                    ? [dstElements, floatBits(step.value)]
                    : [
                          step.pattern.output * step.pattern.kernel,
                          0,
                          step.pattern.input,
                          step.pattern.output,
                          step.pattern.kernel,
                          step.pattern.stride,
                          step.pattern.dilation,
                          step.pattern.padLeft,
                      ];
            const params = uniform(int32Params(values), GPUBufferUsage.STORAGE);
            const bindGroup = await scoped(`binding the buffers of '${step.label}'`, () =>
                device.createBindGroup({
                    layout: kernel.getBindGroupLayout(0),
                    entries: [
                        { binding: 0, resource: { buffer: buffers[step.dst]! } },
                        { binding: 1, resource: { buffer: params } },
                    ],
                }),
            );
            const prepared: Prepared = {
                pipeline: kernel,
                bindGroup,
                workgroups: linearGroups(values[0]!, limit),
            };
            if (step.kind === 'pattern') prepared.clear = buffers[step.dst]!;
            return prepared;
        }
    }
}

function byteSize(elements: number, element: DeviceElement): number {
    const bytes = elements * (element === 'f16' ? 2 : 4);
    return Math.max(4, Math.ceil(bytes / 4) * 4);
}

async function run(request: RunRequest): Promise<RunReply> {
    const current = live();
    const { device, report } = current;
    const plan = request.plan;
    const buffers = await scoped(`allocating ${plan.buffers.length} buffers`, () =>
        plan.buffers.map((buffer) =>
            device.createBuffer({
                size: byteSize(buffer.elements, request.element),
                usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
                label: buffer.name ?? `${buffer.kind} ${buffer.id}`,
            }),
        ),
    );
    const extra: GPUBuffer[] = [];
    try {
        for (const [id, data] of Object.entries(request.inputs)) {
            const padded = new Uint8Array(Math.ceil(data.byteLength / 4) * 4);
            padded.set(new Uint8Array(data));
            device.queue.writeBuffer(buffers[Number(id)]!, 0, padded);
        }
        const prepared: Prepared[] = [];
        for (const step of plan.steps)
            prepared.push(await prepare(step, buffers, plan, request.element, extra));

        const count = plan.steps.length;
        const timestamps = report.timestamps && count > 0;
        let querySet: GPUQuerySet | undefined;
        let resolve: GPUBuffer | undefined;
        let readTimes: GPUBuffer | undefined;
        if (timestamps) {
            querySet = device.createQuerySet({ type: 'timestamp', count: 2 * count });
            resolve = device.createBuffer({
                size: 16 * count,
                usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
            });
            readTimes = device.createBuffer({
                size: 16 * count,
                usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
            });
            extra.push(resolve, readTimes);
        }

        const encodeStep = (encoder: GPUCommandEncoder, at: number): void => {
            const step = prepared[at]!;
            if (step.clear !== undefined) encoder.clearBuffer(step.clear);
            const pass = encoder.beginComputePass(
                querySet === undefined
                    ? { label: plan.steps[at]!.label }
                    : {
                          label: plan.steps[at]!.label,
                          timestampWrites: {
                              querySet,
                              beginningOfPassWriteIndex: 2 * at,
                              endOfPassWriteIndex: 2 * at + 1,
                          },
                      },
            );
            pass.setPipeline(step.pipeline);
            pass.setBindGroup(0, step.bindGroup);
            pass.dispatchWorkgroups(...step.workgroups);
            pass.end();
        };

        const stepMs: number[][] = [];
        const wallMs: number[] = [];
        const cancelled = new Int32Array(request.cancel);
        for (let round = 0; round < request.warmup + request.repeat; round++) {
            if (Atomics.load(cancelled, 0) === 1) throw new Error(CANCELLED);
            const times: number[] = [];
            const started = performance.now();
            if (timestamps) {
                const encoder = device.createCommandEncoder();
                for (let at = 0; at < count; at++) encodeStep(encoder, at);
                encoder.resolveQuerySet(querySet!, 0, 2 * count, resolve!, 0);
                encoder.copyBufferToBuffer(resolve!, 0, readTimes!, 0, 16 * count);
                await scoped(`running '${plan.name}'`, () =>
                    device.queue.submit([encoder.finish()]),
                );
                await readTimes!.mapAsync(GPUMapMode.READ);
                const stamps = new BigInt64Array(readTimes!.getMappedRange().slice(0));
                readTimes!.unmap();
                for (let at = 0; at < count; at++) {
                    times.push(Number(stamps[2 * at + 1]! - stamps[2 * at]!) / 1e6);
                }
            } else {
                for (let at = 0; at < count; at++) {
                    const before = performance.now();
                    const encoder = device.createCommandEncoder();
                    encodeStep(encoder, at);
                    await scoped(`running '${plan.steps[at]!.label}'`, () =>
                        device.queue.submit([encoder.finish()]),
                    );
                    await device.queue.onSubmittedWorkDone();
                    times.push(performance.now() - before);
                }
            }
            await device.queue.onSubmittedWorkDone();
            if (current.lost !== undefined)
                throw new Error(`the GPU device was lost while running: ${current.lost}`);
            if (current.uncaptured.length > 0) {
                throw new Error(
                    `WebGPU error while running '${plan.name}': ${current.uncaptured.splice(0).join('; ')}`,
                );
            }
            if (round >= request.warmup) {
                stepMs.push(times);
                wallMs.push(performance.now() - started);
            }
        }

        const reply: RunReply = {
            stepMs,
            wallMs,
            timing: timestamps ? 'timestamp-query' : 'queue-completion',
        };
        if (request.readback) {
            const out = buffers[plan.output.buffer]!;
            const staging = device.createBuffer({
                size: out.size,
                usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
            });
            extra.push(staging);
            const encoder = device.createCommandEncoder();
            encoder.copyBufferToBuffer(out, 0, staging, 0, out.size);
            device.queue.submit([encoder.finish()]);
            await staging.mapAsync(GPUMapMode.READ);
            reply.output = staging.getMappedRange().slice(0);
            staging.unmap();
        }
        querySet?.destroy();
        return reply;
    } finally {
        for (const buffer of [...buffers, ...extra]) buffer.destroy();
    }
}

async function handle(envelope: Envelope): Promise<unknown> {
    const request = envelope.request;
    switch (request.type) {
        case 'open':
            return open(request);
        case 'run':
            return run(request);
        case 'close':
            session?.device.destroy();
            session = undefined;
            return null;
    }
}

const port = parentPort;
if (port !== null) {
    port.on('message', (envelope: Envelope) => {
        handle(envelope).then(
            (result) => {
                const reply: Reply = { id: envelope.id, ok: true, result };
                const transfer =
                    result !== null &&
                    typeof result === 'object' &&
                    'output' in result &&
                    result.output instanceof ArrayBuffer
                        ? [result.output]
                        : [];
                port.postMessage(reply, transfer);
            },
            (error: unknown) => {
                const reply: Reply = {
                    id: envelope.id,
                    ok: false,
                    error: error instanceof Error ? error.message : String(error),
                };
                port.postMessage(reply);
            },
        );
    });
}
