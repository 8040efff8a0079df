// The `tnet/diagram` request against the real language server, over stdio.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiagramRequest, type DiagramResult } from '../../server/src/lsp/protocol';
import type { Range } from '../../server/src/network/ir';
import { LspClient } from '../lsp/harness';

const TEXT = readFileSync(join(__dirname, 'tnet', 'conv2d.tnet'), 'utf8');
const URI = 'file:///diagram/conv2d.tnet';
const LINES = TEXT.split('\n');

function textAt(range: Range): string {
    assert.equal(range.start.line, range.end.line);
    return LINES[range.start.line]!.slice(range.start.character, range.end.character);
}

/** The top-left corner of a node's box in the SVG. */
function corner(svg: string, node: string): [number, number] {
    const match = new RegExp(`data-node="${node}"[^>]*><rect x="([-\\d.]+)" y="([-\\d.]+)"`).exec(
        svg,
    );
    assert.ok(match !== null, node);
    return [Number(match[1]), Number(match[2])];
}

void describe('tnet/diagram over LSP', () => {
    let client: LspClient;
    const draw = (params: object): Promise<DiagramResult | null> =>
        client.request<DiagramResult | null>(DiagramRequest.method, { uri: URI, ...params });

    before(async () => {
        client = await LspClient.start();
        await client.open(URI, TEXT);
    });
    after(async () => {
        assert.equal(await client.stop(), 0);
    });

    void it('draws the equation under the cursor, with its ranges and path', async () => {
        const line = LINES.findIndex((text) => text.startsWith('Y['));
        const result = await draw({ position: { line, character: 3 } });
        assert.ok(result !== null);
        assert.equal(result.statement, 'Y');
        assert.deepEqual(result.statements, ['Y', 'Z']);
        assert.match(result.svg, /^<svg /);
        assert.doesNotMatch(result.svg, /<style>/);
        assert.deepEqual(result.nodes.map((node) => node.tensor).sort(), ['K', 'P', 'Q', 'X', 'Y']);
        // A node's range is its factor: the name and its indices.
        for (const node of result.nodes) {
            assert.ok(textAt(node.range!).startsWith(node.tensor), node.tensor);
        }
        const x = result.nodes.find((node) => node.tensor === 'X')!;
        assert.equal(textAt(x.range!), 'X[n, c, h, w]');
        const h = result.indices.find((index) => index.name === 'h')!;
        assert.equal(h.size, 32);
        assert.deepEqual(h.ranges.map(textAt), ['h', 'h']);
        // Four operands, three pairwise steps; the last holds the whole term.
        assert.equal(result.steps.length, 3);
        assert.equal(result.steps[2]!.merged.flat().length, 4);
        assert.deepEqual(result.steps[2]!.shape, [8, 16, 16, 16]);
        assert.ok(result.steps[2]!.totalFlops > 0);
    });

    void it('draws a built-in call by name and answers null off any equation', async () => {
        const z = await draw({ name: 'Z' });
        assert.equal(z?.statement, 'Z');
        assert.ok((z?.nodes.length ?? 0) >= 4);
        assert.equal(await draw({ position: { line: 1, character: 2 } }), null);
        assert.equal(
            await client.request(DiagramRequest.method, { uri: 'file:///not/open.tnet' }),
            null,
        );
    });

    void it('keeps nodes in place across an edit and reports a statement with errors', async () => {
        const before = await draw({ name: 'Y' });
        const edited = TEXT.replace('N = 8', 'N = 4');
        await client.replace(URI, edited);
        const after = await draw({ name: 'Y' });
        assert.ok(before !== null && after !== null);
        for (const node of ['t0:o0', 't0:o1', 't0:o2', 't0:o3', 't0:out']) {
            const [x0, y0] = corner(before.svg, node);
            const [x1, y1] = corner(after.svg, node);
            assert.ok(Math.hypot(x1 - x0, y1 - y0) < 1, `${node} moved`);
        }
        await client.replace(URI, edited.replace('K[d, c, i, j]', 'K[d, c, i]'));
        const broken = await draw({ name: 'Y' });
        assert.equal(broken?.svg, '');
        assert.match(broken?.error ?? '', /Y has errors/);
    });
});
