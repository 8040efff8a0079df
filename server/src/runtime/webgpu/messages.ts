/** The messages between the WebGPU host (any thread) and the worker thread that hosts Dawn. */
import type { Plan } from '../plan';

/** The message of a run that the host cancelled; the host turns it back into CancelledError. */
export const CANCELLED = 'the run was cancelled';

export type DeviceElement = 'f32' | 'f16';

export interface OpenRequest {
    type: 'open';
    /** Dawn's `create()` flags. */
    flags: string[];
    /** WGSL sources by kernel name, with `ELEMENT` still to be replaced. */
    kernels: Record<string, string>;
    /** Ask for a compatibility-mode adapter (Dawn's OpenGL backend). */
    compatibility: boolean;
}

export interface AdapterReport {
    description: string;
    vendor: string;
    architecture: string;
    features: string[];
    limits: {
        maxBufferSize: number;
        maxStorageBufferBindingSize: number;
        maxComputeWorkgroupsPerDimension: number;
        maxComputeInvocationsPerWorkgroup: number;
        maxComputeWorkgroupStorageSize: number;
    };
    timestamps: boolean;
    f16: boolean;
}

export interface RunRequest {
    type: 'run';
    plan: Plan;
    element: DeviceElement;
    /** Input values by buffer id, already in the device's element type (f16 as 16-bit words). */
    inputs: Record<number, ArrayBuffer>;
    warmup: number;
    repeat: number;
    readback: boolean;
    /** One Int32: the host stores 1 to cancel; the worker looks between repeats. */
    cancel: SharedArrayBuffer;
}

export interface RunReply {
    /** The output buffer's bytes, in the device's element type. */
    output?: ArrayBuffer;
    /** Per repeat, per step: milliseconds. */
    stepMs: number[][];
    /** Per repeat: milliseconds from submit to completion. */
    wallMs: number[];
    timing: 'timestamp-query' | 'queue-completion';
}

export interface CloseRequest {
    type: 'close';
}

export type Request = OpenRequest | RunRequest | CloseRequest;

export interface Envelope {
    id: number;
    request: Request;
}

export type Reply =
    { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
