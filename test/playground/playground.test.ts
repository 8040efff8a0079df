// The built playground (dist/playground, from `npm run build`) served by scripts/playground.mjs on
// loopback and driven in Debian's headless Chromium: the editor, the language server in its
// worker, and the diagram pane.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { formatText } from '../../server/src/lsp/features/formatting';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

const ROOT = join(__dirname, '..', '..');
const SCREENSHOTS = join(ROOT, '.tmp', 'playground-screenshots');
/** The language server's first analysis in a cold worker can take a while on a busy machine. */
const SLOW = { timeout: 30_000 };

interface Marker {
    code: string;
    severity: number;
    startLineNumber: number;
    startColumn: number;
    endLineNumber: number;
    endColumn: number;
}

/** Runs in the page: the editor the playground exposes on `window.tnetPlayground`. */
type PlaygroundWindow = Window & {
    tnetPlayground: {
        editor: {
            getValue(): string;
            setValue(text: string): void;
            setPosition(position: { lineNumber: number; column: number }): void;
            getPosition(): { lineNumber: number; column: number } | null;
            focus(): void;
            getModel(): { uri: unknown; getValueInRange(range: unknown): string } | null;
            getSelection(): unknown;
            revealPosition(position: { lineNumber: number; column: number }): void;
            getDomNode(): HTMLElement | null;
            getScrolledVisiblePosition(position: { lineNumber: number; column: number }): {
                top: number;
                left: number;
                height: number;
            } | null;
        };
        monaco: { editor: { getModelMarkers(filter: { resource: unknown }): Marker[] } };
    };
};

/** Starts scripts/playground.mjs on a free loopback port; resolves once it says where. */
function servePlayground(): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [join(ROOT, 'scripts/playground.mjs'), '0'], {
        stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((done, fail) => {
        let said = '';
        child.stdout!.on('data', (chunk: Buffer) => {
            said += chunk.toString();
            const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(said)?.[0];
            if (url !== undefined) done({ child, url });
        });
        child.once('exit', (code) => fail(new Error(`the playground server exited (${code})`)));
    });
}

async function tensorsDrawn(page: Page): Promise<string[]> {
    const names = await page
        .locator('#diagram-canvas svg [data-tensor]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-tensor') ?? ''));
    return [...new Set(names)].sort();
}

async function waitForDiagram(page: Page, statement: string): Promise<void> {
    await page.waitForFunction(
        (name) =>
            document.querySelector<HTMLElement>('#diagram-canvas')?.dataset.statement === name &&
            document.querySelector('#diagram-canvas svg [data-tensor]') !== null,
        statement,
        SLOW,
    );
}

/** Where on the page a character of the editor is drawn (its middle), scrolled into view. */
async function pointAt(page: Page, lineNumber: number, column: number) {
    return page.evaluate(
        ([line, col]) => {
            const { editor } = (window as unknown as PlaygroundWindow).tnetPlayground;
            editor.revealPosition({ lineNumber: line!, column: col! });
            const box = editor.getDomNode()!.getBoundingClientRect();
            const at = editor.getScrolledVisiblePosition({ lineNumber: line!, column: col! })!;
            return { x: box.left + at.left + 3, y: box.top + at.top + at.height / 2 };
        },
        [lineNumber, column],
    );
}

void describe('playground in Chromium', () => {
    let browser: Browser;
    let server: ChildProcess | undefined;
    let page: Page;
    const problems: string[] = [];

    before(async () => {
        assert.ok(
            existsSync(join(ROOT, 'dist/playground/index.html')),
            'dist/playground is missing: run `npm run build` first',
        );
        mkdirSync(SCREENSHOTS, { recursive: true });
        const served = await servePlayground();
        server = served.child;
        browser = await chromium.launch({
            executablePath: CHROMIUM_PATH,
            args: CHROMIUM_ARGS,
        });
        page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
        page.on('console', (message) => {
            if (message.type() === 'error') problems.push(`console: ${message.text()}`);
        });
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        // Nothing but the playground's own origin may be asked for.
        page.on('request', (request) => {
            if (!request.url().startsWith(served.url) && !request.url().startsWith('data:')) {
                problems.push(`request outside the playground: ${request.url()}`);
            }
        });
        await page.goto(`${served.url}?example=conv2d.tnet`);
        await page.waitForFunction(() => document.body.dataset.ready === 'true', null, SLOW);
    });
    after(async () => {
        await browser?.close();
        server?.kill();
    });

    void it('loads the editor with the chosen example and draws its first equation', async () => {
        const text = await page.evaluate(() =>
            (window as unknown as PlaygroundWindow).tnetPlayground.editor.getValue(),
        );
        assert.equal(text, readFileSync(join(ROOT, 'examples/conv2d.tnet'), 'utf8'));
        assert.equal(await page.locator('#example').inputValue(), 'conv2d.tnet');
        await page.locator('.view-line', { hasText: 'pattern P = conv' }).waitFor();
        await waitForDiagram(page, 'Y');
        assert.deepEqual(await tensorsDrawn(page), ['K', 'P', 'Q', 'X', 'Y']);
        await page.screenshot({ path: join(SCREENSHOTS, 'loaded.png') });
        // A click on a tensor of the drawing selects it in the text.
        await page.locator('#diagram-canvas g[data-tensor="K"]').click();
        const selected = await page.evaluate(() => {
            const { editor } = (window as unknown as PlaygroundWindow).tnetPlayground;
            return editor.getModel()!.getValueInRange(editor.getSelection()!);
        });
        assert.equal(selected, 'K[d, c, i, j]');
    });

    void it('hovering an equation name shows its cost', async () => {
        const lines = readFileSync(join(ROOT, 'examples/conv2d.tnet'), 'utf8').split('\n');
        const line = lines.findIndex((text) => text.startsWith('Y[')) + 1;
        const point = await pointAt(page, line, 1);
        await page.mouse.move(point.x, point.y);
        const hover = page.locator('.monaco-hover', { hasText: 'naive FLOPs' });
        await hover.waitFor(SLOW);
        const text = await hover.innerText();
        assert.match(text, /optimised FLOPs/);
        await page.screenshot({ path: join(SCREENSHOTS, 'hover.png') });
        await page.mouse.move(1, 1);
    });

    void it('shows an error marker with its code and range', async () => {
        const source = [
            'size N = 8, C = 3',
            'tensor X[N, C]',
            'Bad[n] = X[n, c] * Missing[c]',
            '',
        ].join('\n');
        await page.locator('#example').selectOption('unfold.tnet');
        await page.evaluate(
            (value) =>
                (window as unknown as PlaygroundWindow).tnetPlayground.editor.setValue(value),
            source,
        );
        const marker = await page.waitForFunction(
            () => {
                const { editor, monaco } = (window as unknown as PlaygroundWindow).tnetPlayground;
                const markers = monaco.editor.getModelMarkers({ resource: editor.getModel()!.uri });
                return markers.find((m) => m.code === 'E002') ?? false;
            },
            null,
            SLOW,
        );
        const found = (await marker.jsonValue()) as Marker;
        const column = 'Bad[n] = X[n, c] * '.length + 1;
        assert.deepEqual(
            [found.startLineNumber, found.startColumn, found.endLineNumber, found.endColumn],
            [3, column, 3, column + 'Missing'.length],
        );
        assert.equal(found.severity, 8, 'an error');
        await page.locator('.squiggly-error').first().waitFor(SLOW);
        await page.screenshot({ path: join(SCREENSHOTS, 'marker.png') });
    });

    void it('completion offers the built-ins, signature help their parameters', async () => {
        await page.evaluate(() => {
            const { editor } = (window as unknown as PlaygroundWindow).tnetPlayground;
            const lines = editor.getValue().split('\n').length;
            editor.setPosition({ lineNumber: lines, column: 1 });
            editor.focus();
        });
        await page.keyboard.type('W = ');
        await page.keyboard.press('Control+Space');
        const widget = page.locator('.suggest-widget .monaco-list');
        await widget.locator('.monaco-list-row', { hasText: 'conv_transpose' }).waitFor(SLOW);
        const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
        for (const builtin of ['conv', 'einsum'])
            assert.ok(labels.includes(builtin), labels.join());
        await page.screenshot({ path: join(SCREENSHOTS, 'completion.png') });
        await page.keyboard.press('Escape');
        await page.keyboard.type('conv(');
        await page.locator('.parameter-hints-widget', { hasText: 'stride' }).waitFor(SLOW);
        await page.screenshot({ path: join(SCREENSHOTS, 'signature.png') });
        await page.keyboard.press('Escape');
    });

    void it('the diagram follows the cursor to another statement', async () => {
        await page.locator('#example').selectOption('einsum-chain.tnet');
        const source = readFileSync(join(ROOT, 'examples/einsum-chain.tnet'), 'utf8');
        const lines = source.split('\n');
        const equations = lines
            .map((text, k) => ({ name: /^([A-Za-z_]\w*)\s*(\[|=)/.exec(text)?.[1], line: k + 1 }))
            .filter(
                (entry) => entry.name !== undefined && !/^(size|tensor|pattern)$/.test(entry.name),
            );
        assert.ok(equations.length >= 2, 'einsum-chain.tnet has two equations');
        for (const equation of equations.slice(0, 2)) {
            await page.evaluate((lineNumber) => {
                const { editor } = (window as unknown as PlaygroundWindow).tnetPlayground;
                editor.setPosition({ lineNumber, column: 1 });
            }, equation.line);
            await waitForDiagram(page, equation.name!);
            assert.deepEqual(await tensorsDrawn(page), ['A', 'B', 'C', equation.name!].sort());
            assert.equal(await page.locator('#diagram-title').innerText(), equation.name);
        }
        await page.screenshot({ path: join(SCREENSHOTS, 'diagram.png') });
    });

    void it('shows inlay hints, goes to a definition and formats', async () => {
        await page.locator('#example').selectOption('einsum-chain.tnet');
        await page.locator('.view-line', { hasText: 'M2[i, l]: [64, 512]' }).waitFor(SLOW);
        const lines = readFileSync(join(ROOT, 'examples/einsum-chain.tnet'), 'utf8').split('\n');
        const use = lines.findIndex((text) => text.startsWith('M2['));
        const point = await pointAt(page, use + 1, lines[use]!.indexOf('B[') + 1);
        await page.mouse.click(point.x, point.y);
        await page.keyboard.press('F12');
        const declaration = lines.findIndex((text) => text.startsWith('tensor B[')) + 1;
        await page.waitForFunction(
            (line) =>
                (window as unknown as PlaygroundWindow).tnetPlayground.editor.getPosition()
                    ?.lineNumber === line,
            declaration,
            SLOW,
        );
        const messy = 'tensor A[2,3]\ntensor B[3,4]\nM[i,k]=A[i,j]*B[j,k]\n';
        await page.evaluate(
            (value) =>
                (window as unknown as PlaygroundWindow).tnetPlayground.editor.setValue(value),
            messy,
        );
        assert.notEqual(formatText(messy), messy);
        await page.locator('#format').click();
        await page.waitForFunction(
            (tidy) =>
                (window as unknown as PlaygroundWindow).tnetPlayground.editor.getValue() === tidy,
            formatText(messy),
            SLOW,
        );
        // The hints and the diagram follow the edit too.
        await page.locator('.view-line', { hasText: 'M[i, k]: [2, 4] = A' }).waitFor(SLOW);
        await waitForDiagram(page, 'M');
        assert.deepEqual(await tensorsDrawn(page), ['A', 'B', 'M']);
        await page.screenshot({ path: join(SCREENSHOTS, 'formatted.png') });
    });

    void it('logged no console errors and asked for nothing outside the playground', () => {
        assert.deepEqual(problems, []);
    });
});
