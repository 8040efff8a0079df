// The playground's language client: keeps monaco's models in sync with the language server in
// the worker and answers monaco's providers from the server's requests, converting between the
// protocol's zero-based positions and monaco's one-based ones.
import type {
    CompletionItem,
    CompletionList,
    Definition,
    DefinitionLink,
    Diagnostic,
    Hover,
    InlayHint,
    InitializeResult,
    LogMessageParams,
    MarkedString,
    MarkupContent,
    Position,
    PublishDiagnosticsParams,
    Range,
    SemanticTokens,
    SemanticTokensLegend,
    SignatureHelp,
    TextEdit,
} from 'vscode-languageserver-protocol';
import { monaco } from './monaco';
import { RpcConnection } from './rpc';

export const LANGUAGE_ID = 'tnet';

/** The LSP completion kinds (1-based), by the name monaco gives the same kind. */
const COMPLETION_KINDS: (keyof typeof monaco.languages.CompletionItemKind)[] = [
    'Text',
    'Method',
    'Function',
    'Constructor',
    'Field',
    'Variable',
    'Class',
    'Interface',
    'Module',
    'Property',
    'Unit',
    'Value',
    'Enum',
    'Keyword',
    'Snippet',
    'Color',
    'File',
    'Reference',
    'Folder',
    'EnumMember',
    'Constant',
    'Struct',
    'Event',
    'Operator',
    'TypeParameter',
];

const SEVERITIES = [
    monaco.MarkerSeverity.Error,
    monaco.MarkerSeverity.Warning,
    monaco.MarkerSeverity.Info,
    monaco.MarkerSeverity.Hint,
];

export function toRange(range: Range): monaco.IRange {
    return {
        startLineNumber: range.start.line + 1,
        startColumn: range.start.character + 1,
        endLineNumber: range.end.line + 1,
        endColumn: range.end.character + 1,
    };
}

export function toPosition(position: monaco.IPosition): Position {
    return { line: position.lineNumber - 1, character: position.column - 1 };
}

function fromRange(range: monaco.IRange): Range {
    return {
        start: { line: range.startLineNumber - 1, character: range.startColumn - 1 },
        end: { line: range.endLineNumber - 1, character: range.endColumn - 1 },
    };
}

function markdown(content: MarkupContent | MarkedString | string): monaco.IMarkdownString {
    if (typeof content === 'string') return { value: content };
    if ('kind' in content) return { value: content.value };
    return { value: `\`\`\`${content.language}\n${content.value}\n\`\`\`` };
}

export interface ClientEvents {
    /** The server's status line, or a log message worth showing. */
    status(message: string, isError: boolean): void;
}

/** The language server in a web worker, and monaco's providers wired to it. */
export class LanguageClient {
    private readonly rpc: RpcConnection;
    private readonly versions = new Map<string, number>();
    private ready: Promise<InitializeResult>;

    constructor(worker: Worker, events: ClientEvents) {
        this.rpc = new RpcConnection(worker);
        this.rpc.onNotification<PublishDiagnosticsParams>('textDocument/publishDiagnostics', (p) =>
            this.showDiagnostics(p),
        );
        this.rpc.onNotification<LogMessageParams>('window/logMessage', (params) => {
            // Errors reach the console too, where the tests (and a developer) look for them.
            if (params.type === 1) console.error(`tnet server: ${params.message}`);
            if (params.type <= 2) events.status(params.message, params.type === 1);
        });
        this.rpc.onNotification<{ state: string; message: string }>('tnet/status', (status) =>
            events.status(status.message, status.state === 'error'),
        );
        this.ready = this.rpc
            .request<InitializeResult>('initialize', {
                processId: null,
                rootUri: null,
                clientInfo: { name: 'tnet playground' },
                capabilities: {
                    textDocument: {
                        hover: { contentFormat: ['markdown', 'plaintext'] },
                        completion: { completionItem: { snippetSupport: true } },
                        publishDiagnostics: { relatedInformation: true },
                    },
                },
                initializationOptions: {},
            })
            .then((result) => {
                this.rpc.notify('initialized', {});
                return result;
            });
    }

    /** Resolves once the server has answered `initialize`. */
    async start(): Promise<void> {
        const result = await this.ready;
        this.registerProviders(result);
    }

    request<R>(method: string, params: unknown): Promise<R> {
        return this.ready.then(() => this.rpc.request<R>(method, params));
    }

    /** Opens a model on the server and keeps it in sync as it is edited. */
    open(model: monaco.editor.ITextModel): void {
        const uri = model.uri.toString();
        this.versions.set(uri, model.getVersionId());
        this.rpc.notify('textDocument/didOpen', {
            textDocument: {
                uri,
                languageId: LANGUAGE_ID,
                version: model.getVersionId(),
                text: model.getValue(),
            },
        });
        model.onDidChangeContent((event) => {
            this.versions.set(uri, event.versionId);
            this.rpc.notify('textDocument/didChange', {
                textDocument: { uri, version: event.versionId },
                contentChanges: event.changes.map((change) => ({
                    range: fromRange(change.range),
                    rangeLength: change.rangeLength,
                    text: change.text,
                })),
            });
        });
    }

    private showDiagnostics(params: PublishDiagnosticsParams): void {
        const model = monaco.editor.getModel(monaco.Uri.parse(params.uri));
        if (model === null) return;
        monaco.editor.setModelMarkers(
            model,
            LANGUAGE_ID,
            params.diagnostics.map((diagnostic: Diagnostic) => ({
                ...toRange(diagnostic.range),
                message:
                    typeof diagnostic.message === 'string'
                        ? diagnostic.message
                        : diagnostic.message.value,
                severity: SEVERITIES[(diagnostic.severity ?? 1) - 1] ?? monaco.MarkerSeverity.Error,
                code: diagnostic.code === undefined ? undefined : String(diagnostic.code),
                source: diagnostic.source,
                relatedInformation: diagnostic.relatedInformation?.map((related) => ({
                    resource: monaco.Uri.parse(related.location.uri),
                    message: related.message,
                    ...toRange(related.location.range),
                })),
            })),
        );
    }

    private textDocument(model: monaco.editor.ITextModel): { uri: string } {
        return { uri: model.uri.toString() };
    }

    private at(model: monaco.editor.ITextModel, position: monaco.IPosition): object {
        return { textDocument: this.textDocument(model), position: toPosition(position) };
    }

    private registerProviders(result: InitializeResult): void {
        const capabilities = result.capabilities;
        const languages = monaco.languages;
        languages.registerHoverProvider(LANGUAGE_ID, {
            provideHover: async (model, position) => {
                const hover = await this.rpc.request<Hover | null>(
                    'textDocument/hover',
                    this.at(model, position),
                );
                if (hover === null) return null;
                const contents = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
                return {
                    contents: contents.map(markdown),
                    range: hover.range === undefined ? undefined : toRange(hover.range),
                };
            },
        });
        languages.registerCompletionItemProvider(LANGUAGE_ID, {
            triggerCharacters: capabilities.completionProvider?.triggerCharacters ?? [],
            provideCompletionItems: async (model, position) => {
                const answer = await this.rpc.request<CompletionList | CompletionItem[] | null>(
                    'textDocument/completion',
                    this.at(model, position),
                );
                const items = answer === null ? [] : Array.isArray(answer) ? answer : answer.items;
                const word = model.getWordUntilPosition(position);
                const wordRange = {
                    startLineNumber: position.lineNumber,
                    endLineNumber: position.lineNumber,
                    startColumn: word.startColumn,
                    endColumn: word.endColumn,
                };
                return {
                    incomplete: !Array.isArray(answer) && answer?.isIncomplete === true,
                    suggestions: items.map((item) => this.suggestion(item, wordRange)),
                };
            },
        });
        languages.registerInlayHintsProvider(LANGUAGE_ID, {
            provideInlayHints: async (model, range) => {
                const hints = await this.rpc.request<InlayHint[] | null>('textDocument/inlayHint', {
                    textDocument: this.textDocument(model),
                    range: fromRange(range),
                });
                return {
                    hints: (hints ?? []).map((hint) => ({
                        label:
                            typeof hint.label === 'string'
                                ? hint.label
                                : hint.label.map((part) => part.value).join(''),
                        position: {
                            lineNumber: hint.position.line + 1,
                            column: hint.position.character + 1,
                        },
                        kind: hint.kind,
                        paddingLeft: hint.paddingLeft,
                        paddingRight: hint.paddingRight,
                        tooltip:
                            hint.tooltip === undefined ? undefined : markdown(hint.tooltip).value,
                    })),
                    dispose: () => undefined,
                };
            },
        });
        languages.registerDocumentFormattingEditProvider(LANGUAGE_ID, {
            provideDocumentFormattingEdits: async (model, options) => {
                const edits = await this.rpc.request<TextEdit[] | null>('textDocument/formatting', {
                    textDocument: this.textDocument(model),
                    options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
                });
                return (edits ?? []).map((edit) => ({
                    range: toRange(edit.range),
                    text: edit.newText,
                }));
            },
        });
        languages.registerDefinitionProvider(LANGUAGE_ID, {
            provideDefinition: async (model, position) => {
                const found = await this.rpc.request<Definition | DefinitionLink[] | null>(
                    'textDocument/definition',
                    this.at(model, position),
                );
                if (found === null) return null;
                return (Array.isArray(found) ? found : [found]).map((location) =>
                    'targetUri' in location
                        ? {
                              uri: monaco.Uri.parse(location.targetUri),
                              range: toRange(location.targetSelectionRange),
                          }
                        : { uri: monaco.Uri.parse(location.uri), range: toRange(location.range) },
                );
            },
        });
        const signatures = capabilities.signatureHelpProvider;
        languages.registerSignatureHelpProvider(LANGUAGE_ID, {
            signatureHelpTriggerCharacters: signatures?.triggerCharacters ?? [],
            signatureHelpRetriggerCharacters: signatures?.retriggerCharacters ?? [],
            provideSignatureHelp: async (model, position) => {
                const help = await this.rpc.request<SignatureHelp | null>(
                    'textDocument/signatureHelp',
                    this.at(model, position),
                );
                if (help === null) return null;
                return {
                    value: {
                        activeSignature: help.activeSignature ?? 0,
                        activeParameter: help.activeParameter ?? 0,
                        signatures: help.signatures.map((signature) => ({
                            label: signature.label,
                            documentation:
                                signature.documentation === undefined
                                    ? undefined
                                    : markdown(signature.documentation),
                            parameters: (signature.parameters ?? []).map((parameter) => ({
                                label: parameter.label,
                                documentation:
                                    parameter.documentation === undefined
                                        ? undefined
                                        : markdown(parameter.documentation),
                            })),
                            activeParameter: signature.activeParameter ?? undefined,
                        })),
                    },
                    dispose: () => undefined,
                };
            },
        });
        const legend = capabilities.semanticTokensProvider?.legend as
            SemanticTokensLegend | undefined;
        if (legend !== undefined) {
            languages.registerDocumentSemanticTokensProvider(LANGUAGE_ID, {
                getLegend: () => legend,
                provideDocumentSemanticTokens: async (model) => {
                    const tokens = await this.rpc.request<SemanticTokens | null>(
                        'textDocument/semanticTokens/full',
                        { textDocument: this.textDocument(model) },
                    );
                    return tokens === null
                        ? null
                        : { data: new Uint32Array(tokens.data), resultId: tokens.resultId };
                },
                releaseDocumentSemanticTokens: () => undefined,
            });
        }
    }

    private suggestion(
        item: CompletionItem,
        wordRange: monaco.IRange,
    ): monaco.languages.CompletionItem {
        const edit = item.textEdit;
        const range =
            edit === undefined
                ? wordRange
                : 'range' in edit
                  ? toRange(edit.range)
                  : { insert: toRange(edit.insert), replace: toRange(edit.replace) };
        const kindName = COMPLETION_KINDS[(item.kind ?? 1) - 1] ?? 'Text';
        return {
            label: item.label,
            kind: monaco.languages.CompletionItemKind[kindName],
            detail: item.detail,
            documentation:
                item.documentation === undefined ? undefined : markdown(item.documentation),
            insertText: edit?.newText ?? item.insertText ?? item.label,
            insertTextRules:
                item.insertTextFormat === 2
                    ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet
                    : undefined,
            sortText: item.sortText,
            filterText: item.filterText,
            range,
        };
    }
}
