// JSON-RPC 2.0 over a web worker's postMessage: the transport of vscode-languageserver/browser,
// which posts and receives each message as a plain object.

interface Message {
    jsonrpc: '2.0';
    id?: number | string | null;
    method?: string;
    params?: unknown;
    result?: unknown;
    error?: { code: number; message: string };
}

const METHOD_NOT_FOUND = -32601;

/** A request the other side failed, with its JSON-RPC error. */
export class RpcError extends Error {
    constructor(
        readonly method: string,
        readonly code: number,
        message: string,
    ) {
        super(`${method}: ${message}`);
    }
}

export class RpcConnection {
    private nextId = 1;
    private readonly pending = new Map<
        number,
        { method: string; resolve(value: unknown): void; reject(error: Error): void }
    >();
    private readonly notificationHandlers = new Map<string, (params: unknown) => void>();
    private readonly requestHandlers = new Map<string, (params: unknown) => unknown>();

    constructor(private readonly worker: Worker) {
        worker.addEventListener('message', (event: MessageEvent<Message>) =>
            this.receive(event.data),
        );
        // A worker that fails to load or throws at the top level answers nothing more.
        worker.addEventListener('error', (event) => {
            const reason = new Error(`the worker failed: ${event.message || 'it did not load'}`);
            for (const waiting of this.pending.values()) waiting.reject(reason);
            this.pending.clear();
        });
    }

    request<R>(method: string, params: unknown): Promise<R> {
        const id = this.nextId++;
        return new Promise<R>((resolve, reject) => {
            this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
            this.send({ jsonrpc: '2.0', id, method, params });
        });
    }

    notify(method: string, params: unknown): void {
        this.send({ jsonrpc: '2.0', method, params });
    }

    onNotification<P>(method: string, handler: (params: P) => void): void {
        this.notificationHandlers.set(method, handler as (params: unknown) => void);
    }

    /** Answers the other side's requests of one method; others get "method not found". */
    onRequest<P>(method: string, handler: (params: P) => unknown): void {
        this.requestHandlers.set(method, handler as (params: unknown) => unknown);
    }

    private send(message: Message): void {
        this.worker.postMessage(message);
    }

    private receive(message: Message): void {
        if (message.method === undefined) {
            this.settle(message);
        } else if (message.id === undefined || message.id === null) {
            this.notificationHandlers.get(message.method)?.(message.params);
        } else {
            this.answer(message.id, message.method, message.params);
        }
    }

    private settle(message: Message): void {
        const waiting = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
        if (waiting === undefined) return;
        this.pending.delete(message.id as number);
        if (message.error !== undefined) {
            waiting.reject(new RpcError(waiting.method, message.error.code, message.error.message));
        } else {
            waiting.resolve(message.result ?? null);
        }
    }

    private answer(id: number | string, method: string, params: unknown): void {
        const handler = this.requestHandlers.get(method);
        if (handler === undefined) {
            this.send({
                jsonrpc: '2.0',
                id,
                error: { code: METHOD_NOT_FOUND, message: `no handler for ${method}` },
            });
            return;
        }
        void Promise.resolve()
            .then(() => handler(params))
            .then(
                (result) => this.send({ jsonrpc: '2.0', id, result: result ?? null }),
                (error: unknown) =>
                    this.send({
                        jsonrpc: '2.0',
                        id,
                        error: { code: -32603, message: String(error) },
                    }),
            );
    }
}
