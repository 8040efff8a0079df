/** The status bar item: the language server's health; clicking it opens the log. */
import * as vscode from 'vscode';
import { type BaseLanguageClient, State } from 'vscode-languageclient';
import { type ServerStatus, ServerStatusNotification } from '../../server/src/lsp/protocol';

export const SHOW_LOG_COMMAND = 'tnet.showLog';

export function registerStatusItem(
    context: vscode.ExtensionContext,
    client: BaseLanguageClient,
): vscode.StatusBarItem {
    const item = vscode.window.createStatusBarItem('tnet.status', vscode.StatusBarAlignment.Left);
    item.name = 'tnet language server';
    item.command = SHOW_LOG_COMMAND;
    context.subscriptions.push(item);

    const show = (status: ServerStatus): void => {
        const icon = { ready: '$(check)', busy: '$(sync~spin)', error: '$(error)' }[status.state];
        item.text = `${icon} tnet`;
        item.tooltip = `tnet language server: ${status.message} (click for its log)`;
        item.backgroundColor =
            status.state === 'error'
                ? new vscode.ThemeColor('statusBarItem.errorBackground')
                : undefined;
    };
    show({ state: 'busy', message: 'starting' });
    item.show();

    context.subscriptions.push(
        client.onDidChangeState((event) => {
            if (event.newState === State.Running) show({ state: 'ready', message: 'running' });
            else if (event.newState === State.Starting)
                show({ state: 'busy', message: 'starting' });
            else show({ state: 'error', message: 'stopped' });
        }),
        client.onNotification(ServerStatusNotification.method, show),
    );
    return item;
}
