// Every language feature over the protocol, against the real server: hovers, hints, completion,
// signature help, navigation, rename, symbols, semantic tokens, folding, selection, lenses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type {
    CodeLens,
    CompletionItem,
    DocumentHighlight,
    DocumentSymbol,
    FoldingRange,
    Hover,
    InlayHint,
    Location,
    SelectionRange,
    SemanticTokens,
    SignatureHelp,
    WorkspaceEdit,
    WorkspaceSymbol,
} from 'vscode-languageserver-protocol';
import { networkCost } from '../../server/src/cost/index';
import { analyze } from '../../server/src/language/analyze';
import { fixture, LspClient } from './harness';

const CONV2D = readFileSync('test/lsp/fixtures/conv2d.tnet', 'utf8');
const URI = 'file:///features/conv2d.tnet';
let client: LspClient;
let documentNumber = 0;

before(async () => {
    client = await LspClient.start();
    await client.open(URI, CONV2D);
});
after(async () => {
    assert.equal(await client.stop(), 0);
});

/** Opens a fixture as a fresh document; returns its URI and cursors. */
async function openFixture(marked: string) {
    const { text, cursors } = fixture(marked);
    const uri = `file:///features/doc${documentNumber++}.tnet`;
    await client.open(uri, text);
    return { uri, text, cursors };
}

function at(uri: string, position: { line: number; character: number }) {
    return { textDocument: { uri }, position };
}

function hoverText(hover: Hover | null): string {
    assert.ok(hover !== null, 'no hover');
    const contents = hover.contents as { value: string };
    return contents.value;
}

void test('hover on a defined name shows its shape and the cost report', async () => {
    const hover = await client.request<Hover>(
        'textDocument/hover',
        at(URI, { line: 7, character: 0 }),
    );
    const text = hoverText(hover);
    const equation = analyze(CONV2D).equations.find((e) => e.name === 'Y')!;
    const cost = networkCost(equation.network!, { optimizer: 'auto', timeBudgetMs: 1 });
    assert.match(text, /\[8, 16, 16, 16\]/);
    assert.ok(text.includes(cost.naiveFlops.toLocaleString('en-US')), text);
    assert.ok(text.includes(cost.flops.toLocaleString('en-US')), text);
    assert.ok(text.includes(cost.structuredFlops.toLocaleString('en-US')), text);
    assert.ok(text.includes(cost.largestIntermediate.toLocaleString('en-US')), text);
    for (const label of ['naive FLOPs', 'optimised FLOPs', 'speedup', 'peak memory', 'Path']) {
        assert.ok(text.includes(label), `${label} missing from ${text}`);
    }
    assert.ok(text.includes(JSON.stringify(cost.terms[0]!.path)), text);
    assert.match(text, /1\. .*X\[n,c,h,w\]/);
    assert.deepEqual(hover.range, {
        start: { line: 7, character: 0 },
        end: { line: 7, character: 1 },
    });
});

void test('hover on a defined name says how it was defined', async () => {
    const y = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 7, character: 0 })),
    );
    assert.match(y, /Defined in index notation\./);
    const z = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 9, character: 0 })),
    );
    assert.match(z, /tensor Z\[8, 16, 16, 16\] : f32/);
    assert.match(z, /Defined by `conv`\./);
    assert.match(z, /naive FLOPs/);
});

void test('hover on a size shows its value and how it was derived', async () => {
    const text = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 2, character: 5 })),
    );
    assert.match(text, /size O = 16/);
    assert.match(text, /\(H \+ 2 \* 1 - 3\) \/\/ 2 \+ 1/);
    assert.match(text, /\(32 \+ 2 \* 1 - 3\) \/\/ 2 \+ 1/);
});

void test('hover on a pattern shows its shape and the output size formula with its numbers', async () => {
    const text = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 5, character: 8 })),
    );
    assert.match(text, /pattern P\[32, 16, 3\]/);
    assert.match(text, /⌊\(32 \+ 1 \+ 1 - 1·\(3 - 1\) - 1\) \/ 2⌋ \+ 1/);
    assert.match(text, /= 16/);
});

void test('hover on a tensor use shows its declared shape', async () => {
    // `K` inside the call on line 9.
    const text = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 9, character: 12 })),
    );
    assert.match(text, /tensor K\[16, 3, 3, 3\] : f32/);
});

void test('hover on an index shows its size and where it comes from', async () => {
    // The `h` of `X[n, c, h, w]` on line 7.
    const text = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 7, character: 24 })),
    );
    assert.match(text, /index h: 32/);
    assert.match(text, /axis 2 of `X`/);
    assert.match(text, /summed/);
});

void test('hover on a built-in shows its signature and docs; on blank space, nothing', async () => {
    const text = hoverText(
        await client.request<Hover>('textDocument/hover', at(URI, { line: 9, character: 5 })),
    );
    assert.match(text, /conv\(X, W, stride=1/);
    const none = await client.request<Hover | null>(
        'textDocument/hover',
        at(URI, { line: 8, character: 40 }),
    );
    assert.equal(none, null);
});

void test('inlay hints show each defined shape and each pattern output size', async () => {
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', {
        textDocument: { uri: URI },
        range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    const labels = hints.map(
        (hint) => `${hint.position.line}:${hint.position.character} ${String(hint.label)}`,
    );
    assert.ok(labels.includes('7:13 : [8, 16, 16, 16]'), labels.join('\n'));
    assert.ok(labels.includes('9:1 : [8, 16, 16, 16]'), labels.join('\n'));
    assert.ok(
        labels.some((label) => label.startsWith('5:') && label.includes('out 16')),
        labels.join('\n'),
    );
    const narrow = await client.request<InlayHint[]>('textDocument/inlayHint', {
        textDocument: { uri: URI },
        range: { start: { line: 9, character: 0 }, end: { line: 9, character: 5 } },
    });
    assert.equal(narrow.length, 1);
});

function labels(items: CompletionItem[] | { items: CompletionItem[] }): string[] {
    return (Array.isArray(items) ? items : items.items).map((item) => item.label);
}

void test('completion offers keywords at a statement start', async () => {
    const { uri, cursors } = await openFixture('size N = 4\n$0');
    const items = await client.request<CompletionItem[]>(
        'textDocument/completion',
        at(uri, cursors[0]!),
    );
    assert.deepEqual(labels(items).sort(), ['pattern', 'size', 'tensor']);
});

void test('completion offers built-ins with docs, and only names defined above', async () => {
    const { uri, cursors } = await openFixture(
        'size N = 4\ntensor A[N, N]\nB = $0\ntensor Later[N]\n',
    );
    const { items } = await client.request<{ items: CompletionItem[] }>(
        'textDocument/completion',
        at(uri, cursors[0]!),
    );
    const names = labels(items);
    for (const expected of ['A', 'N', 'conv', 'unfold', 'kfc', 'vjp', 'einsum']) {
        assert.ok(names.includes(expected), `${expected} missing: ${names.join(' ')}`);
    }
    assert.ok(!names.includes('Later'));
    const conv = items.find((item) => item.label === 'conv')!;
    assert.match(String(conv.detail), /stride=1/);
    assert.match((conv.documentation as { value: string }).value, /convNd/);
});

void test('completion inside a call offers the keyword parameters not yet given', async () => {
    const { uri, cursors } = await openFixture(
        'tensor X[1, 2, 8, 8]\ntensor K[4, 2, 3, 3]\nY = conv(X, K, stride=2, $0)\n',
    );
    const names = labels(
        await client.request<CompletionItem[]>('textDocument/completion', at(uri, cursors[0]!)),
    );
    assert.ok(names.includes('padding='));
    assert.ok(names.includes('groups='));
    assert.ok(!names.includes('stride='));
});

void test('completion inside brackets offers the statement indices', async () => {
    const { uri, cursors } = await openFixture(
        'tensor A[2, 3]\ntensor B[3, 4]\nC[i, k] = A[i, j] * B[$0]\n',
    );
    const names = labels(
        await client.request<CompletionItem[]>('textDocument/completion', at(uri, cursors[0]!)),
    );
    assert.deepEqual(names.sort(), ['i', 'j', 'k']);
});

void test('completion in a long file keeps the nearest names and asks again as the user types', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `tensor T${i}[2]`);
    const { uri, cursors } = await openFixture(`${lines.join('\n')}\nB = $0\nC = T59$1\n`);
    const list = await client.request<{ isIncomplete: boolean; items: CompletionItem[] }>(
        'textDocument/completion',
        at(uri, cursors[0]!),
    );
    assert.equal(list.isIncomplete, true);
    const names = labels(list.items);
    assert.ok(names.includes('T599') && !names.includes('T0'), names.join(' '));
    assert.ok(names.includes('conv'));
    const typed = await client.request<{ items: CompletionItem[] }>(
        'textDocument/completion',
        at(uri, cursors[1]!),
    );
    assert.deepEqual(
        labels(typed.items)
            .filter((name) => name.startsWith('T'))
            .sort(),
        ['T59', 'T590', 'T591', 'T592', 'T593', 'T594', 'T595', 'T596', 'T597', 'T598', 'T599'],
    );
});

void test('completion after a colon offers element types; in a comment, nothing', async () => {
    const { uri, cursors } = await openFixture('tensor A[2, 3] : $0\n# a comment $1\n');
    assert.deepEqual(
        labels(await client.request('textDocument/completion', at(uri, cursors[0]!))).sort(),
        ['f16', 'f32', 'f64'],
    );
    assert.deepEqual(
        labels(await client.request('textDocument/completion', at(uri, cursors[1]!))),
        [],
    );
});

void test('signature help follows the argument being written', async () => {
    const { uri, cursors } = await openFixture(
        'tensor X[1, 2, 8, 8]\ntensor K[4, 2, 3, 3]\nY = conv(X, $0K, padding=$1)\npattern P = conv(in=8, kernel=3)\nZ[h] = X[0$2\n',
    );
    const second = await client.request<SignatureHelp>(
        'textDocument/signatureHelp',
        at(uri, cursors[0]!),
    );
    assert.match(second.signatures[0]!.label, /^conv\(X, W, stride=1/);
    assert.equal(second.activeParameter, 1);
    const padding = await client.request<SignatureHelp>(
        'textDocument/signatureHelp',
        at(uri, cursors[1]!),
    );
    const parameter = padding.signatures[0]!.parameters![padding.activeParameter!]!;
    const [from, to] = parameter.label as [number, number];
    assert.equal(padding.signatures[0]!.label.slice(from, to), 'padding=0');
});

void test('signature help inside a pattern shows its axes and sizes', async () => {
    const { uri, cursors } = await openFixture(
        'pattern P = conv(in=8, kernel=3)\ntensor X[8]\nY[o] = X[h] * P[h, $0o, k]\n',
    );
    const help = await client.request<SignatureHelp>(
        'textDocument/signatureHelp',
        at(uri, cursors[0]!),
    );
    assert.equal(help.signatures[0]!.label, 'P[input: 8, output: 6, kernel: 3]');
    assert.equal(help.activeParameter, 1);
});

void test('go to definition and references of a size', async () => {
    const definition = await client.request<Location>(
        'textDocument/definition',
        at(URI, { line: 3, character: 9 }),
    );
    assert.deepEqual(definition.range, {
        start: { line: 1, character: 5 },
        end: { line: 1, character: 6 },
    });
    const references = await client.request<Location[]>('textDocument/references', {
        ...at(URI, { line: 1, character: 5 }),
        context: { includeDeclaration: true },
    });
    assert.deepEqual(
        references.map((r) => r.range.start.line),
        [1, 3],
    );
});

void test('references and highlights of an index stay inside its statement', async () => {
    const { uri, cursors } = await openFixture(
        'tensor A[2, 3]\nB[$0i] = A[i, j]\nC[i] = A[i, j]\n',
    );
    const references = await client.request<Location[]>('textDocument/references', {
        ...at(uri, cursors[0]!),
        context: { includeDeclaration: true },
    });
    assert.deepEqual(
        references.map((r) => r.range.start.line),
        [1, 1],
    );
    const highlights = await client.request<DocumentHighlight[]>(
        'textDocument/documentHighlight',
        at(uri, cursors[0]!),
    );
    assert.equal(highlights.length, 2);
    assert.equal(highlights[0]!.kind, 3);
});

void test('rename changes a tensor everywhere, and an index within its statement only', async () => {
    const { uri, cursors } = await openFixture(
        'tensor $0A[2, 3]\nB[$1i] = A[i, j]\nC[i] = A[i, j]\n',
    );
    const tensor = await client.request<WorkspaceEdit>('textDocument/rename', {
        ...at(uri, cursors[0]!),
        newName: 'Input',
    });
    assert.deepEqual(
        tensor.changes![uri]!.map((e) => e.range.start.line),
        [0, 1, 2],
    );
    const index = await client.request<WorkspaceEdit>('textDocument/rename', {
        ...at(uri, cursors[1]!),
        newName: 'row',
    });
    assert.deepEqual(
        index.changes![uri]!.map((e) => `${e.range.start.line}:${e.range.start.character}`),
        ['1:2', '1:9'],
    );
    const prepared = await client.request<{ placeholder: string }>(
        'textDocument/prepareRename',
        at(uri, cursors[1]!),
    );
    assert.equal(prepared.placeholder, 'i');
    await assert.rejects(
        client.request('textDocument/rename', { ...at(uri, cursors[1]!), newName: 'j' }),
        /already an index/,
    );
    await assert.rejects(
        client.request('textDocument/rename', { ...at(uri, cursors[0]!), newName: 'B' }),
        /already defined/,
    );
    await assert.rejects(
        client.request('textDocument/rename', { ...at(uri, cursors[0]!), newName: '2x' }),
        /not a name/,
    );
});

void test('document symbols list the statements in order; workspace symbols search open files', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
        textDocument: { uri: URI },
    });
    assert.deepEqual(
        symbols.map((s) => s.name),
        ['N', 'C', 'H', 'W', 'D', 'O', 'X', 'K', 'P', 'Q', 'Y', 'Z'],
    );
    const y = symbols.find((s) => s.name === 'Y')!;
    assert.equal(y.detail, 'equation [8, 16, 16, 16]');
    const found = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'Y' });
    assert.ok(found.some((s) => s.name === 'Y' && (s.location as Location).uri === URI));
});

/** Decodes semantic tokens into `line:character text type` strings. */
function decode(tokens: SemanticTokens, text: string, legend: string[]): string[] {
    const lines = text.split('\n');
    const out: string[] = [];
    let line = 0;
    let character = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
        const [dl, dc, length, type] = tokens.data.slice(i, i + 4) as [
            number,
            number,
            number,
            number,
        ];
        line += dl;
        character = dl === 0 ? character + dc : dc;
        out.push(`${lines[line]!.slice(character, character + length)} ${legend[type]}`);
    }
    return out;
}

void test('semantic tokens tell sizes, tensors, patterns, indices and built-ins apart', async () => {
    const legend = client.initializeResult.capabilities.semanticTokensProvider!.legend.tokenTypes;
    const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', {
        textDocument: { uri: URI },
    });
    const decoded = decode(tokens, CONV2D, legend);
    for (const expected of [
        'size keyword',
        'N variable',
        'P struct',
        'h parameter',
        'conv function',
        'stride property',
    ]) {
        assert.ok(decoded.includes(expected), `${expected} missing: ${decoded.join(', ')}`);
    }
});

void test('folding covers multi-line statements and comment blocks', async () => {
    const { uri } = await openFixture(
        '# one\n# two\n# three\ntensor A[2, 3]\nB[i] = A[i,\n    j]\n',
    );
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', {
        textDocument: { uri },
    });
    assert.deepEqual(
        ranges.map((r) => [r.startLine, r.endLine, r.kind ?? '']),
        [
            [0, 2, 'comment'],
            [4, 5, ''],
        ],
    );
});

void test('selection ranges grow from the word to the statement to the file', async () => {
    const ranges = await client.request<SelectionRange[]>('textDocument/selectionRange', {
        textDocument: { uri: URI },
        positions: [{ line: 7, character: 24 }],
    });
    const chain: string[] = [];
    for (let range: SelectionRange | undefined = ranges[0]; range; range = range.parent) {
        chain.push(
            `${range.range.start.line}:${range.range.start.character}-${range.range.end.line}:${range.range.end.character}`,
        );
    }
    assert.equal(chain[0], '7:24-7:25');
    assert.ok(chain.includes('7:0-7:71'), chain.join(' '));
    assert.equal(chain[chain.length - 1], '0:0-10:0');
    assert.equal(new Set(chain).size, chain.length);
});

void test('code lenses: the cost in one line, and the diagram, run and benchmark commands', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
        textDocument: { uri: URI },
    });
    const onY = lenses.filter((lens) => lens.range.start.line === 7);
    assert.deepEqual(
        onY.filter((lens) => lens.command).map((lens) => lens.command!.command),
        ['tnet.showDiagram', 'tnet.run', 'tnet.bench'],
    );
    assert.deepEqual(onY[1]!.command!.arguments, [{ uri: URI, name: 'Y' }]);
    const unresolved = onY.find((lens) => lens.command === undefined)!;
    const resolved = await client.request<CodeLens>('codeLens/resolve', unresolved);
    assert.match(resolved.command!.title, /FLOPs \(naive .*×.*\), peak/);
    assert.equal(lenses.filter((lens) => lens.range.start.line === 9).length, 4);
});

void test('tnet/network and tnet/statements answer for open documents, null for closed ones', async () => {
    const statements = await client.request<{ name: string }[]>('tnet/statements', { uri: URI });
    assert.deepEqual(
        statements.map((s) => s.name),
        ['Y', 'Z'],
    );
    const network = await client.request<{
        name: string;
        paths: number[][][];
        inputs: Record<string, unknown>;
    }>('tnet/network', { uri: URI, name: 'Y' });
    assert.equal(network.name, 'Y');
    assert.equal(network.paths.length, 1);
    assert.equal(network.paths[0]!.length, 3);
    assert.ok('X' in network.inputs && 'K' in network.inputs);
    assert.equal(await client.request('tnet/network', { uri: 'file:///nowhere.tnet' }), null);
});
