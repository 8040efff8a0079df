/**
 * The runtime process's JSON-RPC protocol, imported by both sides (the process and the editor's
 * runner): requests to run and benchmark a statement, a request for the adapter, and progress.
 * Cancel a request with `$/cancelRequest`, or end the process.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

import type { BenchReport, JobOptions, RunReport } from './jobs';

export type { BenchReport, RunReport, StepReport, PlanBench, BackendInfo } from './jobs';

/** What both requests take: the job's options (the file's `text` wins over its contents when given). */
export interface JobParams extends JobOptions {
    /** Echoed in progress notifications so that the client can match them to the request. */
    progressId?: string;
}

export interface RunParams extends JobParams {
    save?: Record<string, string>;
    check?: boolean;
    densePatterns?: boolean;
}

export interface BenchParams extends JobParams {
    warmup?: number;
    repeat?: number;
}

export interface AdapterResult {
    available: boolean;
    /** The adapter's description, or why there is none. */
    description: string;
    features: string[];
    limits: Record<string, number>;
}

export interface ProgressParams {
    progressId?: string;
    message: string;
}

/** Error codes of failed requests besides JSON-RPC's own (RequestCancelled is -32800). */
export const ErrorCodes = {
    /** The file has errors or the inputs are wrong: `data.diagnostics` lists the file's errors. */
    InvalidInput: 1,
    /** The plan does not fit the memory budget or the adapter's limits. */
    TooLarge: 2,
    /** The backend failed (no adapter, a device lost, a validation error). */
    BackendFailed: 3,
} as const;

export const RunRequest = new RequestType<RunParams, RunReport, void>('tnet/run');
export const BenchRequest = new RequestType<BenchParams, BenchReport, void>('tnet/bench');
export const AdapterRequest = new RequestType0<AdapterResult, void>('tnet/adapter');
export const ProgressNotification = new NotificationType<ProgressParams>('tnet/progress');
