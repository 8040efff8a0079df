/**
 * The runtime process's server: JSON-RPC over a pair of streams. It keeps a backend open between
 * requests (the WebGPU device and its pipelines), turns cancellation into the jobs' cancel token,
 * and failures into response errors with codes the client can tell apart.
 */
import {
    type CancellationToken,
    type MessageConnection,
    ErrorCodes as RpcErrorCodes,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
    createMessageConnection,
} from 'vscode-jsonrpc/node';

import { CancelledError } from './cpu';
import {
    type Backend,
    type BackendName,
    JobError,
    benchJob,
    cpuBackend,
    openBackend,
    runJob,
} from './jobs';
import { PlanError } from './plan';
import {
    type AdapterResult,
    type JobParams,
    AdapterRequest,
    BenchRequest,
    ErrorCodes,
    ProgressNotification,
    RunRequest,
} from './protocol';
import { PlanTooLargeError, WebGpuBackend } from './webgpu/host';

/** JSON-RPC's code for a request the client cancelled. */
const REQUEST_CANCELLED = -32800;

function failure(error: unknown): ResponseError<unknown> {
    if (error instanceof CancelledError) {
        return new ResponseError(REQUEST_CANCELLED, 'the run was cancelled');
    }
    if (error instanceof JobError) {
        return new ResponseError(ErrorCodes.InvalidInput, error.message, {
            diagnostics: error.diagnostics,
        });
    }
    if (error instanceof PlanTooLargeError)
        return new ResponseError(ErrorCodes.TooLarge, error.message);
    if (error instanceof PlanError)
        return new ResponseError(ErrorCodes.InvalidInput, error.message);
    return new ResponseError(
        ErrorCodes.BackendFailed,
        error instanceof Error ? error.message : String(error),
    );
}

function invalid(message: string): ResponseError<unknown> {
    return new ResponseError(RpcErrorCodes.InvalidParams, message);
}

const MAX_SEED = 2 ** 32 - 1;

/** Refuses parameters of the wrong type or out of range, naming the parameter and what it takes. */
export function validateParams(params: unknown): void {
    if (typeof params !== 'object' || params === null) throw invalid('params must be an object');
    const p = params as Record<string, unknown>;
    const integer = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): void => {
        const value = p[name];
        if (value === undefined) return;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
            throw invalid(
                `${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`,
            );
        }
    };
    const string = (name: string, required = false): void => {
        const value = p[name];
        if (value === undefined && !required) return;
        if (typeof value !== 'string') {
            throw invalid(`${name} must be a string, not ${JSON.stringify(value)}`);
        }
    };
    const files = (name: string): void => {
        const value = p[name];
        if (value === undefined) return;
        if (
            typeof value !== 'object' ||
            value === null ||
            Array.isArray(value) ||
            Object.values(value).some((file) => typeof file !== 'string')
        ) {
            throw invalid(`${name} must map tensor names to file paths (strings)`);
        }
    };
    string('file', true);
    string('text');
    string('statement');
    string('progressId');
    if (p.backend !== undefined && !['auto', 'cpu', 'webgpu'].includes(p.backend as string)) {
        throw invalid(`backend must be one of auto, cpu, webgpu, not ${JSON.stringify(p.backend)}`);
    }
    files('inputs');
    files('save');
    integer('seed', 0, MAX_SEED);
    integer('warmup', 0);
    integer('repeat', 1);
    if (
        p.budgetBytes !== undefined &&
        (typeof p.budgetBytes !== 'number' || !(p.budgetBytes > 0))
    ) {
        throw invalid(
            `budgetBytes must be a positive number, not ${JSON.stringify(p.budgetBytes)}`,
        );
    }
    for (const name of ['check', 'densePatterns']) {
        if (p[name] !== undefined && typeof p[name] !== 'boolean') {
            throw invalid(`${name} must be true or false, not ${JSON.stringify(p[name])}`);
        }
    }
}

export function attach(connection: MessageConnection): { dispose(): Promise<void> } {
    const backends = new Map<BackendName, Promise<Backend>>();
    const backendFor = (name: BackendName = 'auto'): Promise<Backend> => {
        if (name === 'cpu') return Promise.resolve(cpuBackend());
        let opened = backends.get(name);
        if (opened === undefined) {
            opened = openBackend(name);
            // A backend that failed to open is tried again on the next request.
            opened.catch(() => backends.delete(name));
            backends.set(name, opened);
        }
        return opened;
    };
    const job = <P extends JobParams, R>(
        work: (
            params: P,
            cancel: { readonly cancelled: boolean },
            progress: (message: string) => void,
            backend: Backend,
        ) => Promise<R>,
    ) => {
        return async (params: P, token: CancellationToken): Promise<R> => {
            validateParams(params);
            const cancel = {
                get cancelled() {
                    return token.isCancellationRequested;
                },
            };
            const progress = (message: string): void => {
                void connection.sendNotification(ProgressNotification, {
                    progressId: params.progressId,
                    message,
                });
            };
            try {
                const backend = await backendFor(params.backend);
                return await work(params, cancel, progress, backend);
            } catch (error) {
                throw failure(error);
            }
        };
    };
    connection.onRequest(
        RunRequest,
        job((params, cancel, progress, backend) => runJob(params, cancel, progress, backend)),
    );
    connection.onRequest(
        BenchRequest,
        job((params, cancel, progress, backend) => benchJob(params, cancel, progress, backend)),
    );
    connection.onRequest(AdapterRequest, async (): Promise<AdapterResult> => {
        try {
            const gpu = await WebGpuBackend.open();
            const adapter = gpu.adapter;
            await gpu.close();
            return {
                available: true,
                description: adapter.description,
                features: adapter.features,
                limits: adapter.limits,
            };
        } catch (error) {
            return {
                available: false,
                description: (error as Error).message,
                features: [],
                limits: {},
            };
        }
    });
    return {
        async dispose() {
            for (const opened of backends.values()) {
                try {
                    await (await opened).close();
                } catch {
                    // A backend that never opened has nothing to close.
                }
            }
        },
    };
}

/** Serves until the input ends or the connection closes. */
export async function serve(
    input: NodeJS.ReadableStream,
    output: NodeJS.WritableStream,
): Promise<void> {
    const connection = createMessageConnection(
        new StreamMessageReader(input),
        new StreamMessageWriter(output),
    );
    const server = attach(connection);
    const closed = new Promise<void>((resolve) => {
        connection.onClose(() => resolve());
        input.on('end', () => resolve());
    });
    connection.listen();
    await closed;
    await server.dispose();
    connection.dispose();
}
