/** `tnet lsp`: the language server, over stdio or Node IPC. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { type Command, UsageError } from './command';

export const lspCommand: Command = {
    name: 'lsp',
    summary: 'start the language server (for editors)',
    help: [
        'Usage: tnet lsp --stdio',
        '       tnet lsp --node-ipc',
        '',
        'Starts the tnet language server, speaking the Language Server Protocol on stdin/stdout',
        '(--stdio) or over Node IPC (--node-ipc). It runs until the client sends `exit`.',
        '',
    ].join('\n'),
    run(args) {
        const transport = args.find((arg) => arg === '--stdio' || arg === '--node-ipc');
        const unknown = args.find(
            (arg) => arg !== transport && !arg.startsWith('--clientProcessId'),
        );
        if (transport === undefined)
            throw new UsageError('give the transport: --stdio or --node-ipc');
        if (unknown !== undefined) throw new UsageError(`unknown option '${unknown}'`);
        startServer(createConnection(ProposedFeatures.all));
        // The connection ends the process on `exit`; until then the command keeps running.
        return new Promise<number>(() => undefined);
    },
};
