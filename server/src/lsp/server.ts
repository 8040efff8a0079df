/**
 * The language server, independent of its transport: the document store, the analysis cache and
 * the list of features, each of which adds its capabilities and installs its handlers.
 */
import {
    type ClientCapabilities,
    type Connection,
    ErrorCodes,
    type InitializeResult,
    ResponseError,
    type ServerCapabilities,
    TextDocumentSyncKind,
    TextDocuments,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
    DEFAULT_SETTINGS,
    type NotificationSpec,
    ServerStatusNotification,
    type RequestSpec,
    type TnetSettings,
} from './protocol';
import { Documents } from './documents';
import { checkedDocumentSync, requestProblem } from './validate';
import { diagnosticsFeature } from './features/diagnostics';
import { customRequestsFeature } from './features/custom';
import { codeActionsFeature } from './features/codeActions';
import { codeLensFeature } from './features/codeLens';
import { completionFeature } from './features/completion';
import { formattingFeature } from './features/formatting';
import { hoverFeature } from './features/hover';
import { inlayHintsFeature } from './features/inlayHints';
import { navigationFeature } from './features/navigation';
import { semanticTokensFeature } from './features/semanticTokens';
import { signatureHelpFeature } from './features/signatureHelp';
import { structureFeature } from './features/structure';
import { symbolsFeature } from './features/symbols';
import { diagramFeature } from './diagram';

/** What every feature gets: the connection, the open documents and their analyses, the settings. */
export interface ServerContext {
    connection: Connection;
    documents: Documents;
    settings(): TnetSettings;
    /** Called with the new settings after they change. */
    onSettingsChanged(listener: (settings: TnetSettings) => void): void;
    log: Logger;
    /**
     * Wraps a request handler so that an exception becomes a logged error and a `null` answer:
     * no text, stale position or closed document may take the server down.
     */
    guard<P, R>(name: string, handler: (params: P) => R | null): (params: P) => R | null;
    /** Answers a custom request of protocol.ts, guarded. */
    onRequest<P, R>(spec: RequestSpec<P, R>, handler: (params: P) => R): void;
    sendNotification<P>(spec: NotificationSpec<P>, params: P): void;
}

export interface Logger {
    error(message: string): void;
    warn(message: string): void;
    info(message: string): void;
}

/** One language feature: its part of the server's capabilities, and its handlers. */
export interface Feature {
    name: string;
    capabilities?(client: ClientCapabilities): ServerCapabilities;
    register(context: ServerContext): void;
}

// The features the server offers. Each part adds its own with one import and one line here.
const features: Feature[] = [
    diagnosticsFeature,
    hoverFeature,
    inlayHintsFeature,
    completionFeature,
    signatureHelpFeature,
    navigationFeature,
    symbolsFeature,
    semanticTokensFeature,
    structureFeature,
    formattingFeature,
    codeActionsFeature,
    codeLensFeature,
    customRequestsFeature,
    diagramFeature,
];

/** Installs the server on a connection and starts listening. */
export function startServer(connection: Connection): void {
    const textDocuments = new TextDocuments(TextDocument);
    const documents = new Documents(textDocuments);
    let settings: TnetSettings = DEFAULT_SETTINGS;
    let canPullConfiguration = false;
    const settingsListeners: ((settings: TnetSettings) => void)[] = [];

    const log: Logger = {
        error: (message) => connection.console.error(message),
        warn: (message) => connection.console.warn(message),
        info: (message) => connection.console.info(message),
    };
    const guard =
        <P, R>(name: string, handler: (params: P) => R | null) =>
        (params: P): R | null => {
            // Malformed parameters are the client's mistake: an error answer, not a red status.
            const problem = requestProblem(params);
            if (problem !== undefined) {
                log.warn(`${name}: invalid parameters: ${problem}`);
                throw new ResponseError(ErrorCodes.InvalidParams, `${name}: ${problem}`);
            }
            try {
                return handler(params);
            } catch (error) {
                log.error(`${name} failed: ${(error as Error).stack ?? String(error)}`);
                // The status item turns red; the user can open the log from it.
                void connection.sendNotification(ServerStatusNotification.method, {
                    state: 'error',
                    message: `${name} failed (details in the log)`,
                });
                return null;
            }
        };
    const context: ServerContext = {
        connection,
        documents,
        settings: () => settings,
        onSettingsChanged: (listener) => settingsListeners.push(listener),
        log,
        guard,
        onRequest: <P, R>(spec: RequestSpec<P, R>, handler: (params: P) => R) => {
            const guarded = guard(spec.method, handler);
            connection.onRequest(spec.method, (params: unknown): unknown => guarded(params as P));
        },
        sendNotification: (spec, params) => void connection.sendNotification(spec.method, params),
    };

    async function refreshSettings(pushed: unknown): Promise<void> {
        let raw: unknown = (pushed as { tnet?: unknown } | undefined)?.tnet;
        if (canPullConfiguration) {
            raw = await connection.workspace.getConfiguration('tnet');
        }
        settings = mergeSettings(raw);
        documents.setSettings(settings);
        for (const listener of settingsListeners) listener(settings);
    }

    connection.onInitialize((params): InitializeResult => {
        canPullConfiguration = params.capabilities.workspace?.configuration === true;
        settings = mergeSettings(
            (params.initializationOptions as { settings?: unknown } | undefined)?.settings,
        );
        documents.setSettings(settings);
        const capabilities: ServerCapabilities = {
            textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        };
        for (const feature of features) {
            Object.assign(capabilities, feature.capabilities?.(params.capabilities));
        }
        return { capabilities, serverInfo: { name: 'tnet', version: '0.1.0' } };
    });
    connection.onDidChangeConfiguration((change) => {
        refreshSettings(change.settings).catch((error: unknown) =>
            log.error(`reading the settings failed: ${String(error)}`),
        );
    });

    for (const feature of features) feature.register(context);
    textDocuments.listen(checkedDocumentSync(connection, log.warn));
    connection.listen();
}

/** The settings a client sent, with every missing or mistyped field taken from the defaults. */
export function mergeSettings(raw: unknown): TnetSettings {
    const given = (raw ?? {}) as Partial<Record<keyof TnetSettings, unknown>>;
    const runtime = (given.runtime ?? {}) as Partial<Record<string, unknown>>;
    const pick = <T>(value: unknown, fallback: T): T =>
        typeof value === typeof fallback ? (value as T) : fallback;
    const backend = pick(runtime.backend, DEFAULT_SETTINGS.runtime.backend);
    return {
        optimizer: pick(given.optimizer, DEFAULT_SETTINGS.optimizer),
        optimizerTimeBudgetMs: pick(
            given.optimizerTimeBudgetMs,
            DEFAULT_SETTINGS.optimizerTimeBudgetMs,
        ),
        memoryBudgetBytes: pick(given.memoryBudgetBytes, DEFAULT_SETTINGS.memoryBudgetBytes),
        runtime: {
            backend: ['auto', 'cpu', 'webgpu'].includes(backend) ? backend : 'auto',
            node: pick(runtime.node, DEFAULT_SETTINGS.runtime.node),
        },
    };
}
