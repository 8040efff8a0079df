/** The CPU backend: runs a plan with plain loops over typed arrays; the reference for the others. */
import type { DType } from '../network/ir';
import { roundToHalf } from './half';
import type { FillStep, GatherStep, GatherView, GemmStep, PatternStep, Plan, Step } from './plan';

export type Float = Float32Array | Float64Array;

export interface StepTiming {
    label: string;
    kind: Step['kind'];
    ms: number;
    flops: number;
    bytes: number;
}

export interface RunResult {
    output: Float;
    shape: number[];
    steps: StepTiming[];
    totalMs: number;
}

/** Thrown when a run is cancelled. */
export class CancelledError extends Error {
    constructor() {
        super('the run was cancelled');
    }
}

export interface CancelToken {
    readonly cancelled: boolean;
}

/** f16 is stored in f32 on the CPU, rounded to half precision after each step (see runCpu). */
export function allocate(dtype: DType, elements: number): Float {
    return dtype === 'f64' ? new Float64Array(elements) : new Float32Array(elements);
}

export async function runCpu(
    plan: Plan,
    inputs: Record<string, Float>,
    cancel?: CancelToken,
): Promise<RunResult> {
    const buffers: Float[] = plan.buffers.map((buffer) => {
        if (buffer.kind === 'input') {
            const given = inputs[buffer.name!];
            if (given === undefined) throw new Error(`no values for input ${buffer.name}`);
            if (given.length !== buffer.elements) {
                throw new Error(
                    `input ${buffer.name} has ${given.length} elements, the plan needs ${buffer.elements}`,
                );
            }
            if (plan.dtype === 'f16') {
                const rounded = Float32Array.from(given);
                roundToHalf(rounded);
                return rounded;
            }
            if (
                plan.dtype === 'f64' ? given instanceof Float64Array : given instanceof Float32Array
            ) {
                return given;
            }
            return plan.dtype === 'f64' ? Float64Array.from(given) : Float32Array.from(given);
        }
        return allocate(plan.dtype, buffer.elements);
    });
    // Like the WebGPU backend, f16 keeps every stored value (inputs, intermediates and results) in
    // half precision, so that the two agree; the arithmetic of a step is in f32.
    const half = plan.dtype === 'f16';
    const steps: StepTiming[] = [];
    const started = performance.now();
    for (const step of plan.steps) {
        // Yielding between steps lets a cancellation request be seen. FIXME: a step in flight runs
        // to its end (the runner ends the process when a cancelled step takes too long).
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        if (cancel?.cancelled === true) throw new CancelledError();
        const before = performance.now();
        runStep(step, buffers);
        if (half) roundToHalf(buffers[step.dst]!);
        steps.push({
            label: step.label,
            kind: step.kind,
            ms: performance.now() - before,
            flops: step.flops,
            bytes: step.bytes,
        });
    }
    return {
        output: buffers[plan.output.buffer]!,
        shape: plan.output.shape,
        steps,
        totalMs: performance.now() - started,
    };
}

export function runStep(step: Step, buffers: Float[]): void {
    switch (step.kind) {
        case 'fill':
            fill(step, buffers[step.dst]!);
            break;
        case 'pattern':
            densePattern(step, buffers[step.dst]!);
            break;
        case 'gather':
            gather(step, buffers[step.src]!, buffers[step.dst]!);
            break;
        case 'gemm': {
            const a =
                step.aView === undefined ? buffers[step.a]! : materialize(step.aView, buffers);
            const b =
                step.bView === undefined ? buffers[step.b]! : materialize(step.bView, buffers);
            gemm(step, a, b, buffers[step.dst]!);
            break;
        }
    }
}

/**
 * The CPU reads an implicit-GEMM operand by gathering it into a scratch array first: a block of
 * loads through the index arithmetic per multiply-add would cost more than the copy.
 */
function materialize(view: GatherView, buffers: Float[]): Float {
    const src = buffers[view.src]!;
    const elements = view.outShape.reduce((product, size) => product * size, 1);
    const out =
        src instanceof Float64Array ? new Float64Array(elements) : new Float32Array(elements);
    gather(
        {
            ...view,
            kind: 'gather',
            label: '',
            dst: -1,
            sumShape: [],
            scale: 1,
            accumulate: false,
            flops: 0,
            bytes: 0,
        },
        src,
        out,
    );
    return out;
}

function fill(step: FillStep, dst: Float): void {
    dst.fill(step.value);
}

function densePattern(step: PatternStep, dst: Float): void {
    const p = step.pattern;
    dst.fill(0);
    for (let o = 0; o < p.output; o++) {
        for (let k = 0; k < p.kernel; k++) {
            const i = p.stride * o + p.dilation * k - p.padLeft;
            if (i >= 0 && i < p.input) dst[(i * p.output + o) * p.kernel + k] = 1;
        }
    }
}

function gather(step: GatherStep, src: Float, dst: Float): void {
    const shape = [...step.outShape, ...step.sumShape];
    const rank = shape.length;
    const sumCount = step.sumShape.reduce((product, size) => product * size, 1);
    const total = dst.length * sumCount;
    const strides = step.srcStrides;
    const count = step.constraints.length;
    const bases = step.constraints.map((constraint) => constraint.base);
    const coefs = step.constraints.map((constraint) => constraint.coefs);
    const divisors = step.constraints.map((constraint) => constraint.divisor);
    const limits = step.constraints.map((constraint) => constraint.size);
    const checks = step.constraints.map((constraint) => constraint.check);
    const solvedStrides = step.constraints.map((constraint) => constraint.srcStride);
    const coords = new Int32Array(rank);
    const numerators = Float64Array.from(bases);
    let offset = step.srcOffset;
    let sum = 0;
    let inner = 0;
    let out = 0;
    for (let point = 0; point < total; point++) {
        let address = offset;
        let valid = true;
        for (let m = 0; m < count; m++) {
            const numerator = numerators[m]!;
            const divisor = divisors[m]!;
            const value = divisor === 1 ? numerator : numerator / divisor;
            if (
                value < 0 ||
                value >= limits[m]! ||
                (divisor !== 1 && numerator % divisor !== 0) ||
                (checks[m]! >= 0 && value !== coords[checks[m]!])
            ) {
                valid = false;
                break;
            }
            address += value * solvedStrides[m]!;
        }
        if (valid) sum += src[address]!;
        if (++inner === sumCount) {
            dst[out] = (step.accumulate ? dst[out]! : 0) + step.scale * sum;
            out++;
            inner = 0;
            sum = 0;
        }
        // Advance the odometer, updating the address and the numerators incrementally.
        for (let axis = rank - 1; axis >= 0; axis--) {
            coords[axis]!++;
            offset += strides[axis]!;
            for (let m = 0; m < count; m++) numerators[m]! += coefs[m]![axis]!;
            if (coords[axis]! < shape[axis]!) break;
            const size = shape[axis]!;
            coords[axis] = 0;
            offset -= strides[axis]! * size;
            for (let m = 0; m < count; m++) numerators[m]! -= coefs[m]![axis]! * size;
        }
    }
}

const K_BLOCK = 128;
const N_BLOCK = 512;

/**
 * Blocked i-k-j loops: a block of k and of n at a time keeps a block of B in cache, and four rows
 * of C are updated together so that each loaded element of B serves four multiply-adds.
 */
function gemm(step: GemmStep, a: Float, b: Float, c: Float): void {
    const { batch, m, n, k } = step;
    const [sab, sam, sak] = step.aStrides;
    const [sbb, sbk, sbn] = step.bStrides;
    c.fill(0);
    for (let bb = 0; bb < batch; bb++) {
        for (let j0 = 0; j0 < n; j0 += N_BLOCK) {
            const j1 = Math.min(n, j0 + N_BLOCK);
            for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
                const k1 = Math.min(k, k0 + K_BLOCK);
                let i = 0;
                if (sbn === 1) {
                    for (; i + 4 <= m; i += 4) {
                        const r0 = (bb * m + i) * n;
                        const r1 = r0 + n;
                        const r2 = r1 + n;
                        const r3 = r2 + n;
                        const a0 = bb * sab + i * sam;
                        for (let kk = k0; kk < k1; kk++) {
                            const v0 = a[a0 + kk * sak]!;
                            const v1 = a[a0 + sam + kk * sak]!;
                            const v2 = a[a0 + 2 * sam + kk * sak]!;
                            const v3 = a[a0 + 3 * sam + kk * sak]!;
                            const bRow = bb * sbb + kk * sbk;
                            for (let j = j0; j < j1; j++) {
                                const value = b[bRow + j]!;
                                c[r0 + j]! += v0 * value;
                                c[r1 + j]! += v1 * value;
                                c[r2 + j]! += v2 * value;
                                c[r3 + j]! += v3 * value;
                            }
                        }
                    }
                }
                for (; i < m; i++) {
                    const row = (bb * m + i) * n;
                    const aRow = bb * sab + i * sam;
                    for (let kk = k0; kk < k1; kk++) {
                        const value = a[aRow + kk * sak]!;
                        if (value === 0) continue;
                        const bRow = bb * sbb + kk * sbk;
                        for (let j = j0; j < j1; j++) c[row + j]! += value * b[bRow + j * sbn]!;
                    }
                }
            }
        }
    }
}
