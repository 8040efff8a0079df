/** The extension's Node entry (desktop VS Code): the language server runs as its own process. */
import * as vscode from 'vscode';
import { LanguageClient, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { clientOptions, createLogger, type Registration, startSession } from './session';
import { registerDiagramPreview } from './preview/panel';
import { registerRunner } from './runner/index';

// The parts of the extension, registered once the language client exists. Each part adds its
// line here: `registerDiagramPreview` (client/src/preview), `registerRunner` (client/src/runner).
const registrations: Registration[] = [registerDiagramPreview, registerRunner];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const logger = createLogger(context);
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6009'] } },
    };
    client = new LanguageClient('tnet', 'tnet', serverOptions, clientOptions(logger));
    await startSession(context, client, logger, registrations);
}

export async function deactivate(): Promise<void> {
    await client?.stop();
}
