// Random edits replayed against the real server: inserts, deletes, whole-file replacements,
// positions past the end, documents closed while requests are in flight. It must answer them all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';
import { LspClient } from './harness';

let client: LspClient;
before(async () => {
    client = await LspClient.start();
});
after(async () => {
    assert.equal(await client.stop(), 0);
});

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const SOURCES = [
    readFileSync('test/lsp/fixtures/conv2d.tnet', 'utf8'),
    'size N = 2, C = 3\ntensor X[N, C, 50, 40]\nU = unfold(X, kernel=(3, 2), stride=2, padding=1, dilation=2)\nF = kfc(X, kernel=(5, 3))\n',
    'tensor A[64, 512]\ntensor B[512, 8]\ntensor C[8, 512]\nM = einsum("ij,jk,kl->il", A, B, C)\n',
    'size N = 4, C = 8, D = 16, H = 20\ntensor X[N, C, H]\ntensor W[D, C, 5]\npattern P = conv(in=H, kernel=5, padding="same")\nY[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]\ntensor V[N, D, H]\nGX = vjp(Y, X, V)\n',
];
const SNIPPETS = [
    '(',
    ')',
    '[',
    ']',
    ',',
    '=',
    '"',
    '#',
    '\n',
    ' * ',
    'conv(',
    'size ',
    'X[n',
    '(c, i)',
    '..',
    '-',
    '1e9',
    '\u00e9',
    '\ud83d\ude00',
    '//',
];

const REQUESTS = [
    'textDocument/hover',
    'textDocument/completion',
    'textDocument/signatureHelp',
    'textDocument/definition',
    'textDocument/references',
    'textDocument/documentHighlight',
    'textDocument/prepareRename',
    'textDocument/documentSymbol',
    'textDocument/semanticTokens/full',
    'textDocument/foldingRange',
    'textDocument/selectionRange',
    'textDocument/formatting',
    'textDocument/codeLens',
    'textDocument/inlayHint',
    'textDocument/codeAction',
    'tnet/network',
    'tnet/diagram',
];

function paramsFor(method: string, uri: string, line: number, character: number): unknown {
    const position = { line, character };
    const range = { start: position, end: { line: line + 3, character: 200 } };
    const textDocument = { uri };
    switch (method) {
        case 'textDocument/references':
            return { textDocument, position, context: { includeDeclaration: true } };
        case 'textDocument/selectionRange':
            return { textDocument, positions: [position] };
        case 'textDocument/formatting':
            return { textDocument, options: { tabSize: 4, insertSpaces: true } };
        case 'textDocument/inlayHint':
            return { textDocument, range };
        case 'textDocument/codeAction':
            return { textDocument, range, context: { diagnostics: [] } };
        case 'tnet/network':
        case 'tnet/diagram':
            return { uri, position };
        default:
            return { textDocument, position };
    }
}

void test('the server survives random edits and answers every request', async () => {
    const next = random(20241204);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const uri = 'file:///robust/doc.tnet';
    let text = pick(SOURCES);
    await client.open(uri, text);
    let open = true;
    let answered = 0;
    for (let step = 0; step < 250; step++) {
        const lines = text.split('\n');
        const line = Math.floor(next() * (lines.length + 3));
        const character = Math.floor(next() * 90);
        const roll = next();
        if (!open) {
            text = pick(SOURCES);
            await client.open(uri, text);
            open = true;
        } else if (roll < 0.45) {
            const snippet = pick(SNIPPETS);
            const at = Math.min(line, lines.length - 1);
            const column = Math.min(character, lines[at]!.length);
            lines[at] = lines[at]!.slice(0, column) + snippet + lines[at]!.slice(column);
            text = lines.join('\n');
            await client.change(uri, [
                {
                    range: {
                        start: { line: at, character: column },
                        end: { line: at, character: column },
                    },
                    text: snippet,
                },
            ]);
        } else if (roll < 0.8) {
            const at = Math.min(line, lines.length - 1);
            const from = Math.min(character, lines[at]!.length);
            const to = Math.min(lines[at]!.length, from + 1 + Math.floor(next() * 6));
            lines[at] = lines[at]!.slice(0, from) + lines[at]!.slice(to);
            text = lines.join('\n');
            await client.change(uri, [
                {
                    range: {
                        start: { line: at, character: from },
                        end: { line: at, character: to },
                    },
                    text: '',
                },
            ]);
        } else if (roll < 0.92) {
            text = next() < 0.5 ? pick(SOURCES) : text.slice(0, Math.floor(next() * text.length));
            await client.change(uri, [{ text }]);
        } else {
            // Close the document while requests about it are still in flight.
            const inFlight = REQUESTS.map((method) =>
                client.request(method, paramsFor(method, uri, line, character)).then(
                    () => 1,
                    () => 1,
                ),
            );
            await client.close(uri);
            open = false;
            answered += (await Promise.all(inFlight)).length;
            continue;
        }
        // Requests at a random position, often past the end of the line or of the file.
        const method = pick(REQUESTS);
        await client
            .request(method, paramsFor(method, uri, line, character))
            .catch((error: Error) => {
                // Only rename may refuse, with a message for the user.
                assert.equal(method, 'textDocument/prepareRename', `${method}: ${error.message}`);
            });
        answered++;
    }
    assert.ok(client.alive);
    assert.ok(answered >= 250);
    if (!open) await client.open(uri, text);
    const final = await client.replace(uri, SOURCES[0]!);
    // The last version's diagnostics are those of a fresh analysis of its text.
    assert.deepEqual(
        final.diagnostics.map((d) => `${d.code} ${d.range.start.line}`),
        analyze(SOURCES[0]!).diagnostics.map((d) => `${d.code} ${d.range.start.line}`),
    );
    assert.ok(
        !client.logs.some((message) => / failed: /.test(message)),
        client.logs.filter((message) => / failed: /.test(message)).join('\n'),
    );
});
