/** The language server's Node entry (`dist/server.js`): stdio, IPC or a socket, from argv. */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
