// A real LSP client for the protocol tests: starts the server as a child process and speaks
// JSON-RPC to it over stdio; fixtures mark cursor positions with `$0`, `$1`, ...
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import {
    createMessageConnection,
    type MessageConnection,
    StreamMessageReader,
    StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import {
    DidChangeTextDocumentNotification,
    DidCloseTextDocumentNotification,
    DidOpenTextDocumentNotification,
    ExitNotification,
    InitializedNotification,
    InitializeRequest,
    type InitializeResult,
    type Position,
    type PublishDiagnosticsParams,
    PublishDiagnosticsNotification,
    ShutdownRequest,
    type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol';

/** How the tests start the server: `tnet lsp --stdio`, from source. */
export const SERVER_COMMAND = [
    process.execPath,
    '--import',
    'tsx',
    'test/lsp/tnet.ts',
    'lsp',
    '--stdio',
];

export interface Fixture {
    text: string;
    /** `$0`, `$1`, ... in the order of their numbers. */
    cursors: Position[];
}

/** Removes the `$N` markers from a fixture and returns where they stood. */
export function fixture(marked: string): Fixture {
    const cursors: Position[] = [];
    const lines = marked.split('\n');
    const clean = lines.map((line, lineNumber) => {
        let out = '';
        let rest = line;
        for (;;) {
            const match = /\$(\d)/.exec(rest);
            if (match === null) break;
            out += rest.slice(0, match.index);
            cursors[Number(match[1])] = { line: lineNumber, character: out.length };
            rest = rest.slice(match.index + 2);
        }
        return out + rest;
    });
    return { text: clean.join('\n'), cursors };
}

interface Waiter {
    uri: string;
    version: number | undefined;
    resolve: (params: PublishDiagnosticsParams) => void;
}

export class LspClient {
    readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
    readonly logs: string[] = [];
    private readonly versions = new Map<string, number>();
    private waiters: Waiter[] = [];
    /** Called with every diagnostics notification, in arrival order. */
    readonly published: PublishDiagnosticsParams[] = [];
    private exited: Promise<number | null>;
    initializeResult!: InitializeResult;

    private constructor(
        readonly child: ChildProcessWithoutNullStreams,
        readonly connection: MessageConnection,
    ) {
        this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
        connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
            this.diagnostics.set(params.uri, params);
            this.published.push(params);
            const ready = this.waiters.filter(
                (waiter) =>
                    waiter.uri === params.uri &&
                    (waiter.version === undefined || params.version === waiter.version),
            );
            this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
            for (const waiter of ready) waiter.resolve(params);
        });
        connection.onNotification('window/logMessage', (params: { message: string }) => {
            this.logs.push(params.message);
        });
        connection.onRequest('workspace/configuration', (params: { items: unknown[] }) =>
            params.items.map(() => null),
        );
    }

    static async start(
        options: { settings?: unknown; command?: string[] } = {},
    ): Promise<LspClient> {
        const [executable, ...args] = options.command ?? SERVER_COMMAND;
        const child = spawn(executable!, args, { stdio: 'pipe' });
        child.stderr.on('data', () => undefined);
        const connection = createMessageConnection(
            new StreamMessageReader(child.stdout),
            new StreamMessageWriter(child.stdin),
        );
        connection.listen();
        const client = new LspClient(child, connection);
        client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
            processId: process.pid,
            rootUri: null,
            capabilities: {
                textDocument: {
                    hover: { contentFormat: ['markdown', 'plaintext'] },
                    completion: { completionItem: { snippetSupport: true } },
                    publishDiagnostics: { relatedInformation: true, versionSupport: true },
                },
                workspace: { configuration: false },
            },
            initializationOptions: { settings: options.settings },
        });
        await connection.sendNotification(InitializedNotification.type, {});
        return client;
    }

    /** Opens a document and waits for its first diagnostics. */
    async open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
        this.versions.set(uri, 1);
        const published = this.waitForDiagnostics(uri, 1);
        await this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId: 'tnet', version: 1, text },
        });
        return published;
    }

    /** Sends changes as one new version; returns that version. */
    async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
        const version = (this.versions.get(uri) ?? 0) + 1;
        this.versions.set(uri, version);
        await this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version },
            contentChanges: changes,
        });
        return version;
    }

    /** Replaces the whole text and waits for the new version's diagnostics. */
    async replace(uri: string, text: string): Promise<PublishDiagnosticsParams> {
        const version = (this.versions.get(uri) ?? 0) + 1;
        const published = this.waitForDiagnostics(uri, version);
        await this.change(uri, [{ text }]);
        return published;
    }

    async close(uri: string): Promise<void> {
        this.versions.delete(uri);
        await this.connection.sendNotification(DidCloseTextDocumentNotification.type, {
            textDocument: { uri },
        });
    }

    /** The next diagnostics published for the document (for one version, if given). */
    waitForDiagnostics(uri: string, version?: number): Promise<PublishDiagnosticsParams> {
        return new Promise((resolve) => this.waiters.push({ uri, version, resolve }));
    }

    /** The first diagnostics of a version, already published or still to come, that pass a check. */
    async diagnosticsWhere(
        uri: string,
        version: number,
        check: (params: PublishDiagnosticsParams) => boolean,
    ): Promise<PublishDiagnosticsParams> {
        const seen = this.published.find(
            (params) => params.uri === uri && params.version === version && check(params),
        );
        if (seen !== undefined) return seen;
        for (;;) {
            const next = await this.waitForDiagnostics(uri, version);
            if (check(next)) return next;
        }
    }

    request<R>(method: string, params: unknown): Promise<R> {
        return this.connection.sendRequest(method, params) as Promise<R>;
    }

    get alive(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Shuts the server down as a client would, and returns its exit code. */
    async stop(): Promise<number | null> {
        if (this.alive) {
            await this.connection.sendRequest(ShutdownRequest.type);
            await this.connection.sendNotification(ExitNotification.type);
        }
        const code = await this.exited;
        this.connection.dispose();
        return code;
    }
}
