/** The language server's web worker entry (`dist/web/server.js`), for VS Code for the web. */
import {
    BrowserMessageReader,
    BrowserMessageWriter,
    createConnection,
    ProposedFeatures,
} from 'vscode-languageserver/browser';
import { startServer } from './server';

declare const self: DedicatedWorkerGlobalScope;

startServer(
    createConnection(
        ProposedFeatures.all,
        new BrowserMessageReader(self),
        new BrowserMessageWriter(self),
    ),
);
