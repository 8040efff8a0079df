// Edits the server proposes, over the protocol: formatting and the quick fixes of code actions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { lex } from '../../server/src/language/lexer';
import { formatText } from '../../server/src/lsp/features/formatting';
import { LspClient } from './harness';

let client: LspClient;
let documentNumber = 0;
before(async () => {
    client = await LspClient.start();
});
after(async () => {
    assert.equal(await client.stop(), 0);
});

async function open(text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const uri = `file:///edits/doc${documentNumber++}.tnet`;
    const published = await client.open(uri, text);
    return { uri, diagnostics: published.diagnostics };
}

function apply(text: string, edits: TextEdit[]): string {
    return TextDocument.applyEdits(TextDocument.create('file:///x', 'tnet', 1, text), edits);
}

const messy = [
    '# conv2d, written out',
    'size N=8,C = 3, H=32,W=32,D=16   # sizes',
    '',
    '',
    '',
    'tensor X[N,C,H,W]:f16',
    'tensor K[D ,C,3,3]',
    'pattern P = conv( in = H , kernel=3, stride=2, padding = 1 )',
    'pattern Q=conv(in=W,kernel=3,stride=2,padding=1)',
    'Y[n,d,y,x]=X[n,c,h,w]*P[h,y,i]*Q[w,x,j]*K[d,c,i,j]*(1/N) - 2*X[n, c, y, x]*K[d,c,0,0]',
    'F[(c, i), (c2,i2)] = X[n, c,',
    '  h, w] * P[h, y, i] # continued',
    '',
].join('\n');

const canonical = [
    '# conv2d, written out',
    'size N = 8, C = 3, H = 32, W = 32, D = 16  # sizes',
    '',
    'tensor X[N, C, H, W] : f16',
    'tensor K[D, C, 3, 3]',
    'pattern P = conv(in=H, kernel=3, stride=2, padding=1)',
    'pattern Q = conv(in=W, kernel=3, stride=2, padding=1)',
    'Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j] * (1 / N) - 2 * X[n, c, y, x] * K[d, c, 0, 0]',
    'F[(c, i), (c2, i2)] = X[n, c,',
    '    h, w] * P[h, y, i]  # continued',
    '',
].join('\n');

void test('formatting gives the canonical layout, keeps comments, and is stable', async () => {
    const { uri } = await open(messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 4, insertSpaces: true },
    });
    const formatted = apply(messy, edits);
    assert.equal(formatted, canonical);
    await client.replace(uri, formatted);
    const again = await client.request<TextEdit[]>('textDocument/formatting', {
        textDocument: { uri },
        options: { tabSize: 4, insertSpaces: true },
    });
    assert.deepEqual(again, []);
});

void test('formatting keeps every token and comment, and formatting twice changes nothing', () => {
    const pieces = [
        'size',
        'tensor',
        'N',
        'x',
        '=',
        '(',
        ')',
        '[',
        ']',
        ',',
        '*',
        '-',
        '//',
        '/',
        ':',
        '1',
        '2.5',
        '"s"',
        '# c',
        ' ',
        '  ',
        '\n',
        '\t',
    ];
    const text = fc
        .array(fc.constantFrom(...pieces), { maxLength: 40 })
        .map((parts) => parts.join(''));
    fc.assert(
        fc.property(text, (source) => {
            const once = formatText(source);
            assert.equal(formatText(once), once);
            const tokens = (s: string) =>
                lex(s)
                    .tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof')
                    .map((t) => `${t.kind}:${t.text}`);
            const comments = (s: string) => lex(s).comments.map((c) => c.text.trimEnd());
            assert.deepEqual(tokens(once), tokens(source));
            assert.deepEqual(comments(once), comments(source));
        }),
        { numRuns: 300, seed: 7 },
    );
});

async function actions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic] },
    });
}

async function fixOnce(
    text: string,
    code: string,
    title: RegExp,
): Promise<{ fixed: string; titles: string[] }> {
    const { uri, diagnostics } = await open(text);
    const diagnostic = diagnostics.find((d) => d.code === code);
    assert.ok(diagnostic, `no ${code} in ${JSON.stringify(diagnostics)}`);
    const offered = await actions(uri, diagnostic);
    const chosen = offered.find((action) => title.test(action.title));
    assert.ok(chosen, `no action like ${title} in ${offered.map((a) => a.title).join(' | ')}`);
    const fixed = apply(text, chosen.edit!.changes![uri]!);
    const after = await client.replace(uri, fixed);
    assert.ok(!after.diagnostics.some((d) => d.code === code), JSON.stringify(after.diagnostics));
    return { fixed, titles: offered.map((action) => action.title) };
}

void test('E002: the quick fix changes the name to the closest defined one', async () => {
    const { fixed } = await fixOnce(
        'tensor Input[2, 3]\nB[i] = Inptu[i, j]\n',
        'E002',
        /Change to `Input`/,
    );
    assert.equal(fixed, 'tensor Input[2, 3]\nB[i] = Input[i, j]\n');
});

void test('E004: either side can be changed to fit the other', async () => {
    const text = 'tensor A[64, 512]\ntensor B[8, 8]\nM[i, k] = A[i, j] * B[j, k]\n';
    const { fixed, titles } = await fixOnce(text, 'E004', /`B`'s axis 0 to 512/);
    assert.equal(fixed, 'tensor A[64, 512]\ntensor B[512, 8]\nM[i, k] = A[i, j] * B[j, k]\n');
    assert.ok(
        titles.some((t) => /`A`'s axis 1 to 8/.test(t)),
        titles.join(' | '),
    );
});

void test('E006: the nearest padding that lets the kernel fit', async () => {
    const { fixed } = await fixOnce('pattern P = conv(in=2, kernel=5)\n', 'E006', /Set padding=/);
    assert.match(fixed, /^pattern P = conv\(in=2, kernel=5, padding=\d+\)\n$/);
});

void test('E006 on a built-in call: a padding tuple, one entry per spatial dimension', async () => {
    const both = await fixOnce(
        'tensor X[1, 1, 2, 2]\ntensor W[1, 1, 3, 3]\nY = conv(X, W)\n',
        'E006',
        /Set padding=\(1, 1\)/,
    );
    assert.equal(
        both.fixed,
        'tensor X[1, 1, 2, 2]\ntensor W[1, 1, 3, 3]\nY = conv(X, W, padding=(1, 1))\n',
    );
    const one = await fixOnce(
        'tensor X[1, 1, 2, 5]\ntensor W[1, 1, 3, 3]\nY = conv(X, W, padding=0)\n',
        'E006',
        /Set padding=\(1, 0\)/,
    );
    assert.equal(
        one.fixed,
        'tensor X[1, 1, 2, 5]\ntensor W[1, 1, 3, 3]\nY = conv(X, W, padding=(1, 0))\n',
    );
});

void test('E007: groups that divide neither channel count are set to a common divisor', async () => {
    const { fixed } = await fixOnce(
        'tensor X[1, 3, 8, 8]\ntensor W[4, 3, 3, 3]\nY = conv(X, W, groups=2)\n',
        'E007',
        /Set groups=1/,
    );
    assert.equal(fixed, 'tensor X[1, 3, 8, 8]\ntensor W[4, 3, 3, 3]\nY = conv(X, W, groups=1)\n');
});

void test('E007: a stride below 1 is set to 1', async () => {
    const { fixed } = await fixOnce(
        'pattern P = conv(in=8, kernel=3, stride=0)\n',
        'E007',
        /Set stride=1/,
    );
    assert.equal(fixed, 'pattern P = conv(in=8, kernel=3, stride=1)\n');
});

void test('E007: "same" padding with a stride above 1 sets the stride to 1', async () => {
    const { fixed } = await fixOnce(
        'pattern P = conv(in=8, kernel=3, stride=2, padding="same")\n',
        'E007',
        /Set stride=1/,
    );
    assert.equal(fixed, 'pattern P = conv(in=8, kernel=3, stride=1, padding="same")\n');
});

async function simplify(text: string): Promise<{ fixed: string; title: string }> {
    const uri = `file:///edits/doc${documentNumber++}.tnet`;
    await client.open(uri, text);
    const published = await client.diagnosticsWhere(uri, 1, (params) =>
        params.diagnostics.some((d) => d.code === 'I201'),
    );
    const hint = published.diagnostics.find((d) => d.code === 'I201')!;
    const offered = await actions(uri, hint);
    assert.equal(offered.length, 1, JSON.stringify(offered));
    const fixed = apply(text, offered[0]!.edit!.changes![uri]!);
    // The rewritten statement still checks.
    const after = await client.replace(uri, fixed);
    assert.deepEqual(
        after.diagnostics.filter((d) => d.severity === 1),
        [],
    );
    return { fixed, title: offered[0]!.title };
}

const PREAMBLE = 'size N = 2, C = 3, H = 8\ntensor X[N, C, H]\n';

void test('I201: applying a delta simplification drops the pattern and renames its input', async () => {
    const { fixed, title } = await simplify(
        `${PREAMBLE}tensor W[4, C, 1]\npattern P = conv(in=H, kernel=1)\nY[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]\n`,
    );
    assert.match(title, /Apply simplification: drop P, rename i to o/);
    assert.match(fixed, /\nY\[n, d, o\] = X\[n, c, o\] \* W\[d, c, k\]\n$/);
});

void test('I201: applying a dense simplification reads the input as (output, kernel)', async () => {
    const { fixed } = await simplify(
        `${PREAMBLE}tensor W[4, C, 2]\npattern P = conv(in=H, kernel=2, stride=2)\nY[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]\n`,
    );
    assert.match(fixed, /\nY\[n, d, o\] = X\[n, c, \(o, k\)\] \* W\[d, c, k\]\n$/);
});
