/** The extension's browser entry (VS Code for the web): the language server runs in a web worker. */
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { clientOptions, createLogger, type Registration, startSession } from '../session';
import { registerDiagramPreview } from '../preview/panel';
import { registerWebRunner } from '../runner/web';

// The parts of the extension that work in a browser, registered once the language client exists.
// Each part adds its line here: `registerDiagramPreview` (client/src/preview).
const registrations: Registration[] = [registerDiagramPreview, registerWebRunner];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const logger = createLogger(context);
    const serverUri = vscode.Uri.joinPath(context.extensionUri, 'dist/web/server.js');
    const worker = new Worker(serverUri.toString(true));
    client = new LanguageClient('tnet', 'tnet', worker, clientOptions(logger));
    await startSession(context, client, logger, registrations);
}

export async function deactivate(): Promise<void> {
    await client?.stop();
}
