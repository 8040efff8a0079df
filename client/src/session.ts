/**
 * What the Node and the browser entries share: the client's options, the logger, the status item
 * and the extension's own commands, around a language client that each entry creates its way.
 */
import * as vscode from 'vscode';
import type { BaseLanguageClient, LanguageClientOptions } from 'vscode-languageclient';
import {
    DEFAULT_SETTINGS,
    type RequestSpec,
    type TnetSettings,
} from '../../server/src/lsp/protocol';
import { registerStatusItem, SHOW_LOG_COMMAND } from './status';

/** One levelled logger over the extension's output channel; the language client writes there too. */
export type Logger = vscode.LogOutputChannel;

/**
 * A part of the extension that registers its commands and views once the client exists. Parts
 * that need less (`registerDiagramPreview(context, client)`) simply take fewer parameters.
 */
export type Registration = (
    context: vscode.ExtensionContext,
    client: BaseLanguageClient,
    logger: Logger,
) => void;

/** Commands that execute something; code lenses for them are hidden in an untrusted workspace. */
const EXECUTING_COMMANDS = new Set(['tnet.run', 'tnet.bench']);

export function createLogger(context: vscode.ExtensionContext): Logger {
    const logger = vscode.window.createOutputChannel('tnet', { log: true });
    context.subscriptions.push(logger);
    return logger;
}

/**
 * The `tnet.*` settings as plain data: a WorkspaceConfiguration holds functions, which cannot be
 * posted to a web worker.
 */
export function currentSettings(): TnetSettings {
    const read = vscode.workspace.getConfiguration('tnet');
    return {
        optimizer: read.get('optimizer', DEFAULT_SETTINGS.optimizer),
        optimizerTimeBudgetMs: read.get(
            'optimizerTimeBudgetMs',
            DEFAULT_SETTINGS.optimizerTimeBudgetMs,
        ),
        memoryBudgetBytes: read.get('memoryBudgetBytes', DEFAULT_SETTINGS.memoryBudgetBytes),
        runtime: {
            backend: read.get('runtime.backend', DEFAULT_SETTINGS.runtime.backend),
            node: read.get('runtime.node', DEFAULT_SETTINGS.runtime.node),
        },
    };
}

export function clientOptions(logger: Logger): LanguageClientOptions {
    return {
        documentSelector: [{ language: 'tnet' }],
        outputChannel: logger,
        initializationOptions: { settings: currentSettings() },
        synchronize: { configurationSection: 'tnet' },
        middleware: {
            provideCodeLenses: async (document, token, next) => {
                const lenses = await next(document, token);
                if (vscode.workspace.isTrusted || lenses === null || lenses === undefined) {
                    return lenses;
                }
                return lenses.filter(
                    (lens) => !EXECUTING_COMMANDS.has(lens.command?.command ?? ''),
                );
            },
        },
    };
}

/** Starts the client, then runs every registration; a failed start is logged and shown once. */
export async function startSession(
    context: vscode.ExtensionContext,
    client: BaseLanguageClient,
    logger: Logger,
    registrations: Registration[],
): Promise<void> {
    registerStatusItem(context, client);
    context.subscriptions.push(
        vscode.commands.registerCommand(SHOW_LOG_COMMAND, () => logger.show(true)),
        vscode.commands.registerCommand('tnet.restartServer', async () => {
            logger.info('restarting the language server');
            await client.stop();
            await client.start();
        }),
        { dispose: () => void client.stop() },
    );
    for (const register of registrations) {
        try {
            register(context, client, logger);
        } catch (error) {
            logger.error(`registering a feature failed: ${String(error)}`);
        }
    }
    try {
        await client.start();
        logger.info('language server started');
    } catch (error) {
        logger.error(`the language server did not start: ${String(error)}`);
        const choice = await vscode.window.showErrorMessage(
            'The tnet language server did not start.',
            'Show Log',
        );
        if (choice !== undefined) logger.show();
    }
}

/** Sends a custom request of protocol.ts, typed by its spec. */
export function request<P, R>(
    client: BaseLanguageClient,
    spec: RequestSpec<P, R>,
    params: P,
): Promise<R> {
    return client.sendRequest<R>(spec.method, params);
}
