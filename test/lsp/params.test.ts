// Malformed protocol input: a bad request gets InvalidParams, a bad notification is dropped, and
// the server stays healthy (no error status, later requests still answered).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc';
import { ServerStatusNotification } from '../../server/src/lsp/protocol';
import { LspClient } from './harness';

let client: LspClient;
const statuses: { state: string; message?: string }[] = [];
before(async () => {
    client = await LspClient.start();
    client.connection.onNotification(
        ServerStatusNotification.method,
        (params: { state: string; message?: string }) => {
            statuses.push(params);
        },
    );
});
after(async () => {
    assert.equal(await client.stop(), 0);
});

async function invalidParams(method: string, params: unknown): Promise<void> {
    await assert.rejects(client.request(method, params), (error: unknown) => {
        assert.ok(error instanceof ResponseError, `${method}: ${String(error)}`);
        assert.equal(error.code, ErrorCodes.InvalidParams, `${method}: ${error.message}`);
        return true;
    });
}

void test('a didOpen without text is dropped; requests on it get no internal error', async () => {
    const uri = 'file:///no-text.tnet';
    await client.connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId: 'tnet', version: 1 },
    });
    const position = { line: 0, character: 0 };
    assert.equal(
        await client.request('textDocument/completion', { textDocument: { uri }, position }),
        null,
    );
    assert.equal(
        await client.request('textDocument/formatting', {
            textDocument: { uri },
            options: { tabSize: 4, insertSpaces: true },
        }),
        null,
    );
});

void test('requests with malformed parameters get InvalidParams', async () => {
    await invalidParams('workspace/symbol', { query: null });
    await invalidParams('textDocument/hover', { textDocument: {}, position: { line: 0 } });
    await invalidParams('textDocument/completion', {
        textDocument: { uri: 'file:///a.tnet' },
        position: { line: -1, character: 'x' },
    });
    await invalidParams('textDocument/formatting', { textDocument: null });
});

void test('a malformed didChange is dropped and the document keeps its text', async () => {
    const uri = 'file:///kept.tnet';
    await client.open(uri, 'tensor A[2, 3]\n');
    await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 0 } } }],
    });
    const symbols = await client.request<{ name: string }[]>('workspace/symbol', { query: 'A' });
    assert.ok(symbols.some((symbol) => symbol.name === 'A'));
});

void test('after all that the status never turned to error', () => {
    assert.deepEqual(
        statuses.filter((status) => status.state === 'error'),
        [],
    );
    assert.ok(client.alive);
});
