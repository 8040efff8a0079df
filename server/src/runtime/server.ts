/**
 * The runtime process's server: JSON-RPC over a pair of streams. It keeps a backend open between
 * requests (the WebGPU device and its pipelines), turns cancellation into the jobs' cancel token,
 * and failures into response errors with codes the client can tell apart.
 */
import {
    type CancellationToken,
    type MessageConnection,
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
