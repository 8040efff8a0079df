/** The runner in VS Code for the web: the commands exist, and say why running is unavailable there. */
import * as vscode from 'vscode';

const WHY =
    'Running and benchmarking need the desktop VS Code: the tnet runtime is a separate Node.js ' +
    'process (with Dawn for WebGPU), which VS Code for the web cannot start.';

export function registerWebRunner(context: vscode.ExtensionContext): void {
    const explain = (): void => {
        void vscode.window.showInformationMessage(WHY);
    };
    context.subscriptions.push(
        vscode.commands.registerCommand('tnet.run', explain),
        vscode.commands.registerCommand('tnet.bench', explain),
    );
}
