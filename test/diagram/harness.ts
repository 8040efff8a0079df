/**
 * The browser harness of the diagram preview: the real page and the real bundled webview script,
 * served through Playwright's request routing (no socket), with a stub of VS Code's
 * `acquireVsCodeApi` that records what the script posts and keeps its state.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { previewHtml } from '../../client/src/preview/html';
import type { PreviewState } from '../../client/src/preview/messages';
import { drawNetwork } from '../../server/src/diagram';
import { contractionPath } from '../../server/src/cost';
import { diagramSteps } from '../../server/src/diagram/path';
import type { DiagramResult } from '../../server/src/lsp/protocol';
import type { Network, Range } from '../../server/src/network/ir';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

const ROOT = join(__dirname, '..', '..');
export const ORIGIN = 'http://preview.tnet.invalid';
const NONCE = 'testnonce0123456789abcdef';

export async function launch(): Promise<Browser> {
    return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

let bundled: Promise<string> | undefined;

/** The webview script, bundled as the extension's build bundles it. */
function previewScript(): Promise<string> {
    bundled ??= build({
        entryPoints: [join(ROOT, 'media/diagram/preview.ts')],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2022',
        write: false,
    }).then((result) => result.outputFiles[0]!.text);
    return bundled;
}

const THEMES: Record<string, string> = {
    light: '',
    dark: `body { --vscode-editor-background: #1e1e1e; --vscode-editor-foreground: #d4d4d4;
        --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d;
        --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616;
        --vscode-charts-green: #89d185; --vscode-button-secondaryBackground: #3a3d41;
        --vscode-button-secondaryForeground: #cccccc; --vscode-panel-border: #444444; }`,
};

/** A page with the preview loaded; `initialState` is what `getState` returns, as after a restart. */
export async function openPreview(
    browser: Browser,
    options: { theme?: 'light' | 'dark'; initialState?: PreviewState } = {},
): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 900, height: 640 } });
    const problems: string[] = [];
    page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
            problems.push(`console ${message.type()}: ${message.text()}`);
        }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    const stub = `<script nonce="${NONCE}">
        window.__posted = [];
        window.__state = ${JSON.stringify(options.initialState ?? null)} ?? undefined;
        document.addEventListener('securitypolicyviolation', (e) =>
            window.__posted.push({ type: 'csp-violation', directive: e.violatedDirective }));
        window.acquireVsCodeApi = () => ({
            postMessage: (message) => window.__posted.push(message),
            getState: () => window.__state,
            setState: (state) => { window.__state = state; },
        });
    </script><style nonce="${NONCE}">${THEMES[options.theme ?? 'light']}</style>`;
    const html = previewHtml({
        cspSource: ORIGIN,
        nonce: NONCE,
        scriptUri: `${ORIGIN}/preview.js`,
        styleUri: `${ORIGIN}/preview.css`,
        prelude: stub,
    });
    const script = await previewScript();
    const css = readFileSync(join(ROOT, 'media/diagram/preview.css'), 'utf8');
    await page.route(`${ORIGIN}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        const bodies: Record<string, [string, string]> = {
            '/index.html': ['text/html', html],
            '/preview.js': ['text/javascript', script],
            '/preview.css': ['text/css', css],
        };
        const found = bodies[path];
        if (found === undefined) await route.fulfill({ status: 404, body: '' });
        else await route.fulfill({ status: 200, contentType: found[0], body: found[1] });
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() =>
        (window as unknown as { __posted: { type: string }[] }).__posted.some(
            (m) => m.type === 'ready',
        ),
    );
    return { page, problems };
}

function fakeRange(line: number, start: number, length: number): Range {
    return { start: { line, character: start }, end: { line, character: start + length } };
}

/** What the server would send for a network: the same drawing, path and (made-up) ranges. */
export async function diagramResult(network: Network): Promise<DiagramResult> {
    const { svg, layout } = await drawNetwork(network, { standalone: false });
    let totals = { totalFlops: 0, peakBytes: 0 };
    const steps = network.terms.flatMap((term, k) => {
        const report = contractionPath(term, network.sizes, network.output.dtype);
        const mapped = diagramSteps(k, term.operands.length, report.steps, totals);
        totals = mapped[mapped.length - 1] ?? totals;
        return mapped;
    });
    return {
        uri: 'file:///work/example.tnet',
        version: 1,
        statement: network.name,
        statements: [network.name],
        range: fakeRange(5, 0, 40),
        svg,
        width: layout.width,
        height: layout.height,
        nodes: layout.nodes
            .filter((node) => node.tensor !== undefined)
            .map((node, k) => ({
                id: node.id,
                tensor: node.tensor!,
                kind: node.kind,
                range: fakeRange(5, 4 * k, node.tensor!.length),
            })),
        indices: Object.entries(network.sizes).map(([name, size], k) => ({
            name,
            size,
            ranges: [fakeRange(5, 2 * k, name.length)],
        })),
        steps,
    };
}

export async function send(page: Page, message: unknown): Promise<void> {
    await page.evaluate((data) => window.postMessage(data, '*'), message);
}

export async function posted(page: Page): Promise<{ type: string; [key: string]: unknown }[]> {
    return page.evaluate(
        () => (window as unknown as { __posted: { type: string }[] }).__posted,
    ) as Promise<{ type: string; [key: string]: unknown }[]>;
}
