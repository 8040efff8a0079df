/**
 * The diagram preview's host: the `tnet.showDiagram` command, the webview panel beside the editor,
 * which follows the statement under the cursor and redraws as the text changes, and the serializer
 * that restores the panel after a restart. The drawing itself comes from the server.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
    DiagramRequest,
    type DiagramResult,
    type StatementParams,
    type StatementRef,
} from '../../../server/src/lsp/protocol';
import type { Range } from '../../../server/src/network/ir';
import { type Logger, request } from '../session';
import { makeNonce, previewHtml } from './html';
import type { FromWebview, PreviewState, ToWebview } from './messages';

const VIEW_TYPE = 'tnet.diagram';
/** Long enough to fold a burst of keystrokes into one request, short enough to feel live. */
const EDIT_DEBOUNCE_MS = 120;
const CURSOR_DEBOUNCE_MS = 60;
const RETRY_MS = 250;
const MAX_RETRIES = 20;

export function registerDiagramPreview(
    context: vscode.ExtensionContext,
    client: BaseLanguageClient,
    logger: Logger,
): void {
    let preview: DiagramPreview | undefined;
    const open = (panel: vscode.WebviewPanel, state?: PreviewState): DiagramPreview => {
        preview?.dispose();
        preview = new DiagramPreview(context, client, logger, panel, state);
        panel.onDidDispose(() => {
            if (preview?.panel === panel) preview = undefined;
        });
        return preview;
    };

    context.subscriptions.push(
        vscode.commands.registerCommand('tnet.showDiagram', (ref?: StatementRef) => {
            const editor = vscode.window.activeTextEditor;
            const uri = ref?.uri ?? editor?.document.uri.toString();
            if (uri === undefined) {
                void vscode.window.showInformationMessage('Open a .tnet file to see its diagram.');
                return;
            }
            if (preview === undefined) {
                const panel = vscode.window.createWebviewPanel(
                    VIEW_TYPE,
                    'tnet diagram',
                    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
                    webviewOptions(context),
                );
                open(panel);
            } else {
                preview.panel.reveal(vscode.ViewColumn.Beside, true);
            }
            const position =
                ref === undefined && editor !== undefined
                    ? {
                          line: editor.selection.active.line,
                          character: editor.selection.active.character,
                      }
                    : undefined;
            preview!.show({ uri, name: ref?.name, position });
        }),
        vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
            deserializeWebviewPanel: async (panel, state: unknown) => {
                panel.webview.options = webviewOptions(context);
                open(panel, state as PreviewState | undefined);
            },
        }),
    );
}

function webviewOptions(context: vscode.ExtensionContext): vscode.WebviewOptions {
    return {
        enableScripts: true,
        localResourceRoots: [
            vscode.Uri.joinPath(context.extensionUri, 'dist', 'media'),
            vscode.Uri.joinPath(context.extensionUri, 'media'),
        ],
    };
}

class DiagramPreview {
    private readonly disposables: vscode.Disposable[] = [];
    private readonly highlight = vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor('editor.findMatchHighlightBackground'),
        borderColor: new vscode.ThemeColor('editor.findMatchHighlightBorder'),
    });
    private current: DiagramResult | undefined;
    private uri: string | undefined;
    private editTimer: ReturnType<typeof setTimeout> | undefined;
    private cursorTimer: ReturnType<typeof setTimeout> | undefined;
    /** Counts requests, so that an answer to an older one never replaces a newer drawing. */
    private generation = 0;
    private ready = false;
    private queued: ToWebview[] = [];
    private retryTimer: ReturnType<typeof setTimeout> | undefined;
    private retries = 0;

    constructor(
        context: vscode.ExtensionContext,
        private readonly client: BaseLanguageClient,
        private readonly logger: Logger,
        readonly panel: vscode.WebviewPanel,
        state?: PreviewState,
    ) {
        const webview = panel.webview;
        const media = (...path: string[]): string =>
            webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...path)).toString();
        webview.html = previewHtml({
            cspSource: webview.cspSource,
            nonce: makeNonce(),
            scriptUri: media('dist', 'media', 'diagram', 'preview.js'),
            styleUri: media('media', 'diagram', 'preview.css'),
        });
        this.uri = state?.uri;
        this.current = state?.diagram;
        this.disposables.push(
            this.highlight,
            webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)),
            panel.onDidDispose(() => this.dispose()),
            vscode.workspace.onDidChangeTextDocument((event) => {
                if (event.document.uri.toString() !== this.uri) return;
                clearTimeout(this.editTimer);
                this.editTimer = setTimeout(() => this.refresh(), EDIT_DEBOUNCE_MS);
            }),
            vscode.window.onDidChangeTextEditorSelection((event) => {
                if (event.textEditor.document.languageId !== 'tnet') return;
                clearTimeout(this.cursorTimer);
                this.cursorTimer = setTimeout(
                    () => this.follow(event.textEditor),
                    CURSOR_DEBOUNCE_MS,
                );
            }),
        );
    }

    /** Draws the statement a command names, or the one under the position. */
    show(params: StatementParams): void {
        this.uri = params.uri;
        void this.draw(params);
    }

    dispose(): void {
        clearTimeout(this.retryTimer);
        clearTimeout(this.editTimer);
        clearTimeout(this.cursorTimer);
        for (const disposable of this.disposables.splice(0)) disposable.dispose();
    }

    /** Messages posted before the webview's script listens are lost, so they wait for `ready`. */
    private post(message: ToWebview): void {
        if (this.ready) void this.panel.webview.postMessage(message);
        else this.queued.push(message);
    }

    /** Resolves once the language client runs: a preview restored at startup asks before that. */
    private whenRunning(): Promise<void> {
        if (this.client.isRunning()) return Promise.resolve();
        return new Promise((resolve) => {
            const listener = this.client.onDidChangeState(() => {
                if (!this.client.isRunning()) return;
                listener.dispose();
                resolve();
            });
            this.disposables.push(listener);
        });
    }

    private async draw(params: StatementParams): Promise<void> {
        const generation = ++this.generation;
        clearTimeout(this.retryTimer);
        let result: DiagramResult | null = null;
        await this.whenRunning();
        if (generation !== this.generation) return;
        try {
            result = await request(this.client, DiagramRequest, params);
        } catch (error) {
            this.logger.warn(`the diagram request failed: ${String(error)}`);
        }
        if (generation !== this.generation) return;
        if (result === null) {
            if (this.current === undefined) {
                this.post({
                    type: 'message',
                    text: 'Put the cursor on an equation to see its diagram.',
                });
                // Just after start-up the server may not have the document yet: ask again soon.
                if (this.retries < MAX_RETRIES) {
                    this.retries++;
                    this.retryTimer = setTimeout(() => void this.draw(params), RETRY_MS);
                }
            }
            return;
        }
        this.retries = 0;
        this.current = result;
        this.panel.title = `Diagram: ${result.statement}`;
        this.post({ type: 'diagram', diagram: result });
    }

    /** After an edit: the same statement, by name while it exists, else what is under the cursor. */
    private refresh(): void {
        if (this.uri === undefined) return;
        const editor = vscode.window.visibleTextEditors.find(
            (candidate) => candidate.document.uri.toString() === this.uri,
        );
        const position = editor?.selection.active;
        const name = this.current?.statement;
        const inside =
            position !== undefined &&
            this.current !== undefined &&
            contains(this.current.range, position);
        void this.draw({
            uri: this.uri,
            name: inside || position === undefined ? name : undefined,
            position:
                position === undefined
                    ? undefined
                    : { line: position.line, character: position.character },
        });
    }

    /** The cursor moved: another statement redraws; an index or tensor name lights up. */
    private follow(editor: vscode.TextEditor): void {
        const uri = editor.document.uri.toString();
        const position = editor.selection.active;
        const current = this.current;
        if (current === undefined || current.uri !== uri || !contains(current.range, position)) {
            this.uri = uri;
            void this.draw({
                uri,
                position: { line: position.line, character: position.character },
            });
            return;
        }
        const index = current.indices.find((entry) =>
            entry.ranges.some((r) => contains(r, position)),
        );
        const node = current.nodes.find(
            (entry) => entry.range !== undefined && contains(entry.range, position),
        );
        this.post({
            type: 'highlight',
            index: index?.name,
            tensor: index === undefined ? node?.tensor : undefined,
        });
    }

    private receive(message: FromWebview): void {
        switch (message.type) {
            case 'ready':
                this.ready = true;
                for (const queued of this.queued.splice(0)) {
                    void this.panel.webview.postMessage(queued);
                }
                if (this.uri !== undefined) {
                    void this.draw({ uri: this.uri, name: this.current?.statement });
                }
                break;
            case 'hover':
                this.decorate(message.ranges);
                break;
            case 'reveal':
                void this.reveal(message.range);
                break;
            case 'export':
                void this.export(message.format, message.statement, message.data);
                break;
            case 'pick':
                if (this.uri !== undefined) void this.draw({ uri: this.uri, name: message.name });
                break;
            case 'step':
                break;
        }
    }

    private editor(): vscode.TextEditor | undefined {
        return vscode.window.visibleTextEditors.find(
            (editor) => editor.document.uri.toString() === this.uri,
        );
    }

    private decorate(ranges: Range[]): void {
        this.editor()?.setDecorations(this.highlight, ranges.map(toVsRange));
    }

    private async reveal(range: Range): Promise<void> {
        if (this.uri === undefined) return;
        const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(this.uri));
        const target = toVsRange(range);
        const column = this.editor()?.viewColumn ?? vscode.ViewColumn.One;
        const editor = await vscode.window.showTextDocument(document, {
            viewColumn: column,
            preserveFocus: false,
        });
        editor.selection = new vscode.Selection(target.start, target.end);
        editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }

    private async export(format: 'svg' | 'png', statement: string, data: string): Promise<void> {
        const folder =
            this.uri === undefined
                ? undefined
                : vscode.Uri.joinPath(vscode.Uri.parse(this.uri), '..');
        const target = await vscode.window.showSaveDialog({
            defaultUri:
                folder === undefined
                    ? undefined
                    : vscode.Uri.joinPath(folder, `${statement}.${format}`),
            filters: format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
        });
        if (target === undefined) return;
        const bytes =
            format === 'svg'
                ? new TextEncoder().encode(data)
                : Uint8Array.from(atob(data.slice(data.indexOf(',') + 1)), (c) => c.charCodeAt(0));
        try {
            await vscode.workspace.fs.writeFile(target, bytes);
        } catch (error) {
            void vscode.window.showErrorMessage(`Saving the diagram failed: ${String(error)}`);
        }
    }
}

function toVsRange(range: Range): vscode.Range {
    return new vscode.Range(
        range.start.line,
        range.start.character,
        range.end.line,
        range.end.character,
    );
}

function contains(range: Range, position: { line: number; character: number }): boolean {
    const after =
        position.line > range.start.line ||
        (position.line === range.start.line && position.character >= range.start.character);
    const before =
        position.line < range.end.line ||
        (position.line === range.end.line && position.character <= range.end.character);
    return after && before;
}
