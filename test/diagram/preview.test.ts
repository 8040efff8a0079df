// The diagram preview's webview script in headless Chromium, fed as VS Code would feed it.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chain, conv2d, FIXTURES, kfc, twoTerms } from './fixtures';
import { diagramResult, launch, openPreview, posted, send } from './harness';
import type { DiagramResult } from '../../server/src/lsp/protocol';
import { analyze } from '../../server/src/language/analyze';

const SCREENSHOTS = join(__dirname, '..', '..', '.tmp', 'diagram-screenshots');

interface Box {
    text: string;
    x: number;
    y: number;
    width: number;
    height: number;
}

async function show(page: Page, diagram: DiagramResult): Promise<void> {
    // Mark the drawing shown now, then wait for the one that replaces it.
    await page.evaluate(() => document.querySelector('svg')?.setAttribute('data-old', ''));
    await send(page, { type: 'diagram', diagram });
    await page.waitForFunction((name) => {
        const svg = document.querySelector('#canvas svg:not([data-old])');
        return svg?.querySelector('title')?.textContent === name;
    }, diagram.statement);
}

/** The rendered boxes of every label (node names, index labels, signs), as the browser sets them. */
async function labelBoxes(page: Page): Promise<Box[]> {
    return page.evaluate(() =>
        [...document.querySelectorAll('svg text')].map((text) => {
            const box = (text as SVGTextElement).getBBox();
            return {
                text: text.textContent ?? '',
                x: box.x,
                y: box.y,
                width: box.width,
                height: box.height,
            };
        }),
    );
}

/** Pairs of rendered labels whose boxes overlap. */
async function clashes(page: Page): Promise<string[]> {
    const boxes = await labelBoxes(page);
    const found: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!;
            const b = boxes[j]!;
            const apart =
                a.x + a.width <= b.x ||
                b.x + b.width <= a.x ||
                a.y + a.height <= b.y ||
                b.y + b.height <= a.y;
            if (!apart) found.push(`${a.text} / ${b.text}`);
        }
    }
    return found;
}

void describe('diagram preview in Chromium', () => {
    let browser: Browser;
    before(async () => {
        browser = await launch();
        mkdirSync(SCREENSHOTS, { recursive: true });
    });
    after(async () => {
        await browser.close();
    });

    for (const theme of ['light', 'dark'] as const) {
        void it(`draws every fixture legibly in the ${theme} theme, labels apart`, async () => {
            const { page, problems } = await openPreview(browser, { theme });
            for (const [name, make] of Object.entries(FIXTURES)) {
                const network = make();
                const diagram = await diagramResult(network);
                await show(page, diagram);
                const nodes = await page.locator('svg [data-tensor]').count();
                const edges = await page.locator('svg .tn-edge').count();
                assert.equal(
                    nodes,
                    network.terms.reduce((n, t) => n + t.operands.length + 1, 0),
                    name,
                );
                assert.equal(edges, diagram.svg.split('class="tn-edge"').length - 1, name);
                assert.deepEqual(await clashes(page), [], `${name}: overlapping labels`);
                await page
                    .locator('svg')
                    .screenshot({ path: join(SCREENSHOTS, `${name}-${theme}.png`) });
            }
            await page.screenshot({ path: join(SCREENSHOTS, `page-${theme}.png`) });
            assert.deepEqual(problems, []);
            assert.deepEqual(
                (await posted(page)).filter((m) => m.type === 'csp-violation'),
                [],
            );
            await page.close();
        });
    }

    void it('draws every equation of examples/ with its labels apart', async () => {
        const { page, problems } = await openPreview(browser);
        const folder = join(__dirname, '..', '..', 'examples');
        const files = readdirSync(folder).filter((name) => name.endsWith('.tnet'));
        let drawn = 0;
        for (const file of files.sort()) {
            const analysis = analyze(readFileSync(join(folder, file), 'utf8'));
            for (const equation of analysis.equations) {
                if (equation.network === undefined) continue;
                const diagram = await diagramResult(equation.network);
                await show(page, diagram);
                assert.deepEqual(await clashes(page), [], `${file} ${equation.name}`);
                const shot = `example-${file.replace('.tnet', '')}-${equation.name}.png`;
                await page.locator('svg').screenshot({ path: join(SCREENSHOTS, shot) });
                drawn++;
            }
        }
        assert.ok(drawn >= files.length);
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('highlights a hovered node and edge and posts their source ranges', async () => {
        const { page, problems } = await openPreview(browser);
        const diagram = await diagramResult(conv2d());
        await show(page, diagram);

        await page.locator('svg [data-tensor="K"]').hover();
        assert.equal(await page.locator('svg [data-tensor="K"].tn-highlight').count(), 1);
        const kRange = diagram.nodes.find((node) => node.tensor === 'K')!.range;
        assert.deepEqual((await posted(page)).at(-1), { type: 'hover', ranges: [kRange] });

        await page.locator('svg text.tn-label[data-index="c"]').hover();
        assert.equal(await page.locator('svg .tn-edge.tn-highlight').count(), 1);
        assert.equal(await page.locator('svg .tn-edge.tn-highlight[data-index="c"]').count(), 1);
        assert.equal(await page.locator('svg [data-tensor].tn-highlight').count(), 0);
        const cRanges = diagram.indices.find((index) => index.name === 'c')!.ranges;
        assert.deepEqual((await posted(page)).at(-1), { type: 'hover', ranges: cRanges });
        await page.screenshot({ path: join(SCREENSHOTS, 'hover.png') });

        await page.locator('svg text.tn-label[data-index="c"]').click();
        assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', range: cRanges[0] });

        await page.mouse.move(2, 300);
        assert.equal(await page.locator('svg .tn-highlight').count(), 0);
        assert.deepEqual((await posted(page)).at(-1), { type: 'hover', ranges: [] });

        // The editor's cursor on an index lights its edge.
        await send(page, { type: 'highlight', index: 'h' });
        await page.waitForSelector('svg .tn-edge.tn-highlight[data-index="h"]');
        assert.equal(await page.locator('svg .tn-highlight.tn-label').count(), 1);
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('steps through the contraction path', async () => {
        const { page, problems } = await openPreview(browser);
        const diagram = await diagramResult(chain());
        await show(page, diagram);
        assert.equal(await page.locator('#counter').textContent(), 'step 0 of 2');
        assert.match((await page.locator('#step-info').textContent())!, /2 steps/);
        assert.ok(await page.locator('#prev').isDisabled());

        await page.locator('#next').click();
        assert.equal(await page.locator('#counter').textContent(), 'step 1 of 2');
        assert.equal(await page.locator('svg [data-tensor="A"].tn-merge-a').count(), 1);
        assert.equal(await page.locator('svg [data-tensor="B"].tn-merge-b').count(), 1);
        assert.equal(await page.locator('svg [data-tensor="C"][class*="tn-merge"]').count(), 0);
        assert.equal(await page.locator('svg .tn-edge.tn-contracted[data-index="j"]').count(), 1);
        const info = (await page.locator('#step-info').textContent())!;
        assert.match(info, /A · B → \[i, k\] 64×8/);
        assert.match(info, /524 kFLOP/);
        assert.match(info, /2 KiB/);
        await page.screenshot({ path: join(SCREENSHOTS, 'step-1.png') });

        await page.locator('#next').click();
        // The remaining C (first in the operand list) meets the intermediate of A and B.
        assert.equal(await page.locator('svg [data-tensor="C"].tn-merge-a').count(), 1);
        assert.equal(await page.locator('svg [data-tensor="A"].tn-merge-b').count(), 1);
        assert.equal(await page.locator('svg [data-tensor="B"].tn-merge-b').count(), 1);
        assert.ok(await page.locator('#next').isDisabled());
        assert.match((await page.locator('#step-info').textContent())!, /total 1\.05 MFLOP/);
        const steps = (await posted(page)).filter((m) => m.type === 'step').map((m) => m.step);
        assert.deepEqual(steps, [1, 2]);

        await page.locator('#first').click();
        assert.equal(await page.locator('svg [class*="tn-merge"]').count(), 0);
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('lists the equations and posts the one picked', async () => {
        const { page, problems } = await openPreview(browser);
        const diagram = { ...(await diagramResult(conv2d())), statements: ['Y', 'Z'] };
        await show(page, diagram);
        assert.equal(await page.locator('#statement').inputValue(), 'Y');
        assert.deepEqual(await page.locator('#statement option').allTextContents(), ['Y', 'Z']);
        await page.locator('#statement').selectOption('Z');
        assert.deepEqual((await posted(page)).at(-1), { type: 'pick', name: 'Z' });
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('names the term of each step when there are several', async () => {
        const { page, problems } = await openPreview(browser);
        const diagram = await diagramResult(twoTerms());
        await show(page, diagram);
        const count = diagram.steps.length;
        assert.equal(await page.locator('#counter').textContent(), `step 0 of ${count}`);
        await page.locator('#next').click();
        assert.match((await page.locator('#step-info').textContent())!, /^term 1: A · B/);
        for (let k = 1; k < count; k++) await page.locator('#next').click();
        assert.match((await page.locator('#step-info').textContent())!, /^term 2: /);
        const last = diagram.steps[count - 1]!;
        assert.ok(last.merged.flat().every((id) => id.startsWith('t1:')));
        assert.ok((await page.locator('svg .tn-term[data-term="1"] .tn-merge-a').count()) >= 1);
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('keeps its state and redraws from it after a restart', async () => {
        const first = await openPreview(browser);
        await show(first.page, await diagramResult(kfc()));
        await first.page.locator('#next').click();
        await first.page.locator('#next').click();
        const state = await first.page.evaluate(
            () => (window as unknown as { __state: unknown }).__state,
        );
        await first.page.close();

        const { page, problems } = await openPreview(browser, { initialState: state as never });
        assert.equal(await page.locator('svg title').textContent(), 'F2');
        assert.equal(await page.locator('#counter').textContent(), 'step 2 of 5');
        assert.ok((await page.locator('svg [class*="tn-merge"]').count()) >= 2);
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('keeps the last drawing, dimmed, while the statement has errors', async () => {
        const { page, problems } = await openPreview(browser);
        const good = await diagramResult(conv2d());
        await show(page, good);
        await send(page, {
            type: 'diagram',
            diagram: {
                ...good,
                svg: '',
                nodes: [],
                steps: [],
                error: 'Y has errors; fix them to see its diagram',
            },
        });
        await page.waitForSelector('#message:not([hidden])');
        assert.match((await page.locator('#message').textContent())!, /Y has errors/);
        assert.equal(await page.locator('.canvas.stale svg').count(), 1);
        await show(page, good);
        assert.ok(await page.locator('#message').isHidden());
        assert.deepEqual(problems, []);
        await page.close();
    });

    void it('exports SVG with its stylesheet and PNG as a data URL', async () => {
        const { page, problems } = await openPreview(browser, { theme: 'dark' });
        await show(page, await diagramResult(conv2d()));
        await page.locator('#export-svg').click();
        const svg = (await posted(page)).at(-1)!;
        assert.equal(svg.type, 'export');
        assert.equal(svg.format, 'svg');
        assert.equal(svg.statement, 'Y');
        assert.match(svg.data as string, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        assert.match(svg.data as string, /<style>[^]*\.tnet-diagram/);
        assert.match(svg.data as string, /data-tensor="K"/);

        await page.locator('#export-png').click();
        await page.waitForFunction(() =>
            (window as unknown as { __posted: { format?: string }[] }).__posted.some(
                (m) => m.format === 'png',
            ),
        );
        const png = (await posted(page)).find((m) => m.format === 'png')!;
        assert.match(png.data as string, /^data:image\/png;base64,iVBOR/);
        assert.ok((png.data as string).length > 2000);
        assert.deepEqual(problems, []);
        await page.close();
    });
});
