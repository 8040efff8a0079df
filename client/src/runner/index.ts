/**
 * The runner: the `tnet.run` and `tnet.bench` commands. It starts the runtime process (the Node
 * chosen by `tnet.runtime.node`, never the extension host, since Dawn does not load in Electron),
 * shows a cancellable progress notification, and the results in a webview. Nothing runs in an
 * untrusted workspace.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import {
    CancellationTokenSource,
    type MessageConnection,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
    createMessageConnection,
} from 'vscode-jsonrpc/node';

import { analyze } from '../../../server/src/language/analyze';
import type { StatementRef } from '../../../server/src/lsp/protocol';
import {
    type BenchReport,
    type RunReport,
    BenchRequest,
    ErrorCodes,
    ProgressNotification,
    RunRequest,
} from '../../../server/src/runtime/protocol';
import type { Logger } from '../session';
import { benchHtml, runHtml } from './html';

/** How long a cancelled run may take to stop by itself before its process is ended. */
const CANCEL_GRACE_MS = 2000;

type Kind = 'run' | 'bench';

/** The runtime process and its connection; started on first use, started again after it ends. */
class Runtime implements vscode.Disposable {
    private child?: ChildProcess;
    private connection?: MessageConnection;

    constructor(
        private readonly script: string,
        private readonly logger: Logger,
    ) {}

    private nodePath(): string {
        const configured = vscode.workspace
            .getConfiguration('tnet')
            .get<string>('runtime.node', '');
        return configured.trim() === '' ? 'node' : configured.trim();
    }

    async start(): Promise<MessageConnection> {
        if (this.connection !== undefined) return this.connection;
        const node = this.nodePath();
        const child = spawn(node, [this.script], { stdio: ['pipe', 'pipe', 'pipe'] });
        await new Promise<void>((resolve, reject) => {
            child.once('spawn', () => resolve());
            child.once('error', (error: NodeJS.ErrnoException) => {
                reject(
                    new Error(
                        error.code === 'ENOENT'
                            ? `Node.js was not found ('${node}'). Install Node.js 20 or later, or set ` +
                                  "'tnet.runtime.node' to the path of a node executable."
                            : `the runtime process could not start with '${node}': ${error.message}`,
                    ),
                );
            });
        });
        child.stderr?.on('data', (data: Buffer) =>
            this.logger.debug(`runtime: ${data.toString().trimEnd()}`),
        );
        const connection = createMessageConnection(
            new StreamMessageReader(child.stdout!),
            new StreamMessageWriter(child.stdin!),
        );
        child.on('exit', (code, signal) => {
            this.logger.info(`runtime process ended (${signal ?? `exit code ${code}`})`);
            if (this.child === child) this.stop();
        });
        connection.listen();
        this.child = child;
        this.connection = connection;
        this.logger.info(`runtime process started: ${node} ${this.script}`);
        return connection;
    }

    /** Ends the process; whatever it was running fails with a disposed connection. */
    stop(): void {
        const { child, connection } = this;
        this.child = undefined;
        this.connection = undefined;
        connection?.dispose();
        if (child !== undefined && child.exitCode === null) child.kill();
    }

    dispose(): void {
        this.stop();
    }
}

function targetOf(ref: StatementRef | undefined): {
    document?: vscode.TextDocument;
    name?: string;
} {
    const editor = vscode.window.activeTextEditor;
    if (ref !== undefined) {
        const document = vscode.workspace.textDocuments.find(
            (candidate) => candidate.uri.toString() === ref.uri,
        );
        return { document, name: ref.name };
    }
    if (editor === undefined || editor.document.languageId !== 'tnet') return {};
    // The equation under the cursor (or around the selection); the last one when there is none.
    const analysis = analyze(editor.document.getText());
    const line = editor.selection.active.line;
    const equation = analysis.equations.find(
        (candidate) =>
            candidate.statementRange.start.line <= line &&
            candidate.statementRange.end.line >= line,
    );
    return { document: editor.document, name: equation?.name };
}

function describe(error: unknown): string {
    if (error instanceof ResponseError) {
        const diagnostics = (
            error.data as {
                diagnostics?: { message: string; range: { start: { line: number } } }[];
            }
        )?.diagnostics;
        const first = diagnostics?.[0];
        if (error.code === ErrorCodes.InvalidInput && first !== undefined) {
            return `${error.message}: line ${first.range.start.line + 1}: ${first.message}`;
        }
        return error.message;
    }
    return error instanceof Error ? error.message : String(error);
}

class Results {
    private panel?: vscode.WebviewPanel;

    show(title: string, html: (nonce: string) => string): void {
        if (this.panel === undefined) {
            this.panel = vscode.window.createWebviewPanel(
                'tnet.results',
                title,
                { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
                { enableScripts: false, localResourceRoots: [] },
            );
            this.panel.onDidDispose(() => (this.panel = undefined));
        } else {
            this.panel.title = title;
            this.panel.reveal(vscode.ViewColumn.Beside, true);
        }
        this.panel.webview.html = html(randomBytes(16).toString('hex'));
    }

    dispose(): void {
        this.panel?.dispose();
    }
}

export function registerRunner(
    context: vscode.ExtensionContext,
    _client: unknown,
    logger: Logger,
): void {
    const runtime = new Runtime(context.asAbsolutePath('dist/runtime.js'), logger);
    const results = new Results();
    context.subscriptions.push(runtime, results);

    const execute = async (kind: Kind, ref?: StatementRef): Promise<void> => {
        if (!vscode.workspace.isTrusted) {
            void vscode.window.showWarningMessage(
                'tnet runs nothing in an untrusted workspace. Trust the workspace to run or benchmark statements.',
            );
            return;
        }
        const { document, name } = targetOf(ref);
        if (document === undefined) {
            void vscode.window.showInformationMessage(
                'Open a .tnet file to run or benchmark a statement.',
            );
            return;
        }
        const backend = vscode.workspace
            .getConfiguration('tnet')
            .get<string>('runtime.backend', 'auto');
        const params = {
            file: document.uri.fsPath,
            text: document.getText(),
            backend: backend as 'auto' | 'cpu' | 'webgpu',
            progressId: randomBytes(8).toString('hex'),
            ...(name !== undefined ? { statement: name } : {}),
        };
        const title = `tnet: ${kind === 'run' ? 'running' : 'benchmarking'} ${name ?? 'the last equation'}`;
        await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title, cancellable: true },
            async (progress, token) => {
                let connection: MessageConnection;
                try {
                    connection = await runtime.start();
                } catch (error) {
                    void vscode.window.showErrorMessage(`tnet: ${describe(error)}`);
                    return;
                }
                const listener = connection.onNotification(ProgressNotification, (update) => {
                    if (update.progressId === params.progressId)
                        progress.report({ message: update.message });
                });
                const source = new CancellationTokenSource();
                let stopper: ReturnType<typeof setTimeout> | undefined;
                const cancelled = token.onCancellationRequested(() => {
                    source.cancel();
                    // A step in flight (a long kernel) cannot be interrupted: end the process.
                    stopper = setTimeout(() => runtime.stop(), CANCEL_GRACE_MS);
                });
                try {
                    if (kind === 'run') {
                        const report: RunReport = await connection.sendRequest(
                            RunRequest,
                            params,
                            source.token,
                        );
                        results.show(`tnet run ${report.statement}`, (nonce) =>
                            runHtml(report, nonce),
                        );
                    } else {
                        const report: BenchReport = await connection.sendRequest(
                            BenchRequest,
                            params,
                            source.token,
                        );
                        results.show(`tnet bench ${report.statement}`, (nonce) =>
                            benchHtml(report, nonce),
                        );
                    }
                } catch (error) {
                    if (token.isCancellationRequested) {
                        logger.info(`${kind} cancelled`);
                        return;
                    }
                    logger.error(`${kind} failed: ${describe(error)}`);
                    void vscode.window
                        .showErrorMessage(`tnet ${kind}: ${describe(error)}`, 'Show Log')
                        .then((choice) => {
                            if (choice === 'Show Log') logger.show();
                        });
                } finally {
                    if (stopper !== undefined) clearTimeout(stopper);
                    cancelled.dispose();
                    listener.dispose();
                    source.dispose();
                }
            },
        );
    };

    context.subscriptions.push(
        vscode.commands.registerCommand('tnet.run', (ref?: StatementRef) => execute('run', ref)),
        vscode.commands.registerCommand('tnet.bench', (ref?: StatementRef) =>
            execute('bench', ref),
        ),
    );
}
