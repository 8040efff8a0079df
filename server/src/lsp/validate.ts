/**
 * Checks of what a client sends, at the protocol edge: a request with malformed parameters gets an
 * `InvalidParams` error, and a malformed document notification is dropped, before any feature or
 * the document store sees it.
 */
import type { Connection, NotificationHandler, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** What the document store listens to. */
type TextDocumentConnection = Parameters<TextDocuments<TextDocument>['listen']>[0];

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): boolean {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function positionProblem(value: unknown, name: string): string | undefined {
    if (!isObject(value) || !isCount(value.line) || !isCount(value.character)) {
        return `${name} must be {line, character} with non-negative integers`;
    }
    return undefined;
}

function rangeProblem(value: unknown, name: string): string | undefined {
    if (!isObject(value)) return `${name} must be {start, end}`;
    return (
        positionProblem(value.start, `${name}.start`) ?? positionProblem(value.end, `${name}.end`)
    );
}

/**
 * What is wrong with a request's parameters, for the fields the standard requests share
 * (`textDocument.uri`, `position`, `range`, `query`, `uri`); undefined when nothing is.
 */
export function requestProblem(params: unknown): string | undefined {
    if (params === undefined || params === null) return undefined;
    if (!isObject(params)) return 'the parameters must be an object';
    if ('textDocument' in params) {
        const document = params.textDocument;
        if (!isObject(document) || typeof document.uri !== 'string') {
            return 'textDocument.uri must be a string';
        }
    }
    if ('position' in params) {
        const problem = positionProblem(params.position, 'position');
        if (problem !== undefined) return problem;
    }
    if ('range' in params) {
        const problem = rangeProblem(params.range, 'range');
        if (problem !== undefined) return problem;
    }
    if ('query' in params && typeof params.query !== 'string') return 'query must be a string';
    if ('uri' in params && typeof params.uri !== 'string') return 'uri must be a string';
    return undefined;
}

function openProblem(params: unknown): string | undefined {
    if (!isObject(params) || !isObject(params.textDocument)) return 'textDocument is missing';
    const { uri, languageId, version, text } = params.textDocument;
    if (typeof uri !== 'string') return 'textDocument.uri must be a string';
    if (typeof languageId !== 'string') return 'textDocument.languageId must be a string';
    if (typeof version !== 'number') return 'textDocument.version must be a number';
    if (typeof text !== 'string') return 'textDocument.text must be a string';
    return undefined;
}

function changeProblem(params: unknown): string | undefined {
    if (!isObject(params) || !isObject(params.textDocument)) return 'textDocument is missing';
    const { uri, version } = params.textDocument;
    if (typeof uri !== 'string') return 'textDocument.uri must be a string';
    if (typeof version !== 'number') return 'textDocument.version must be a number';
    if (!Array.isArray(params.contentChanges)) return 'contentChanges must be an array';
    for (const change of params.contentChanges as unknown[]) {
        if (!isObject(change) || typeof change.text !== 'string') {
            return 'every content change needs a text';
        }
        if ('range' in change && change.range !== undefined) {
            const problem = rangeProblem(change.range, 'a content change range');
            if (problem !== undefined) return problem;
        }
    }
    return undefined;
}

function uriProblem(params: unknown): string | undefined {
    if (!isObject(params) || !isObject(params.textDocument)) return 'textDocument is missing';
    return typeof params.textDocument.uri === 'string'
        ? undefined
        : 'textDocument.uri must be a string';
}

/**
 * The connection's document notifications, with every malformed one logged and dropped, for the
 * document store to listen to.
 */
export function checkedDocumentSync(
    connection: Connection,
    warn: (message: string) => void,
): TextDocumentConnection {
    function checked<P>(
        method: string,
        problem: (params: unknown) => string | undefined,
        handler: NotificationHandler<P>,
    ): NotificationHandler<P> {
        return (params: P) => {
            const found = problem(params);
            if (found === undefined) return handler(params);
            warn(`${method} ignored: ${found}`);
        };
    }
    return {
        onDidOpenTextDocument: (handler) =>
            connection.onDidOpenTextDocument(checked('didOpen', openProblem, handler)),
        onDidChangeTextDocument: (handler) =>
            connection.onDidChangeTextDocument(checked('didChange', changeProblem, handler)),
        onDidCloseTextDocument: (handler) =>
            connection.onDidCloseTextDocument(checked('didClose', uriProblem, handler)),
        onWillSaveTextDocument: (handler) =>
            connection.onWillSaveTextDocument(checked('willSave', uriProblem, handler)),
        onWillSaveTextDocumentWaitUntil: (handler) =>
            connection.onWillSaveTextDocumentWaitUntil((params, token) =>
                uriProblem(params) === undefined ? handler(params, token) : [],
            ),
        onDidSaveTextDocument: (handler) =>
            connection.onDidSaveTextDocument(checked('didSave', uriProblem, handler)),
    };
}
