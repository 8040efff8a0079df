// The diagram code in a web worker in Chromium (as the web language server runs it) draws the
// same SVG as in Node.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { drawNetwork } from '../../server/src/diagram';
import { FIXTURES } from './fixtures';
import { launch, ORIGIN } from './harness';

void describe('diagram in a web worker', () => {
    let browser: Browser;
    before(async () => {
        browser = await launch();
    });
    after(async () => {
        await browser.close();
    });

    void it('draws every fixture exactly as Node does, and leaves the worker listening', async () => {
        const bundle = await build({
            entryPoints: [join(__dirname, 'worker-entry.ts')],
            bundle: true,
            format: 'iife',
            platform: 'browser',
            target: 'es2022',
            write: false,
        });
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('console', (message) => {
            if (message.type() === 'error') errors.push(message.text());
        });
        await page.route(`${ORIGIN}/**`, async (route) => {
            const path = new URL(route.request().url()).pathname;
            if (path === '/worker.js') {
                await route.fulfill({
                    contentType: 'text/javascript',
                    body: bundle.outputFiles[0]!.text,
                });
            } else {
                await route.fulfill({
                    contentType: 'text/html',
                    body: '<!DOCTYPE html><p>worker</p>',
                });
            }
        });
        await page.goto(`${ORIGIN}/index.html`);
        await page.evaluate(() => {
            const worker = new Worker('/worker.js');
            (window as unknown as { ask: (data: unknown) => Promise<unknown> }).ask = (data) =>
                new Promise((resolve) => {
                    worker.onmessage = (event: MessageEvent) => resolve(event.data);
                    worker.postMessage(data);
                });
        });
        const ask = (data: unknown): Promise<{ svg?: string; again?: string; error?: string }> =>
            page.evaluate(
                (message) =>
                    (window as unknown as { ask: (data: unknown) => Promise<never> }).ask(message),
                data,
            );
        for (const [name, make] of Object.entries(FIXTURES)) {
            const network = make();
            const inWorker = await ask(network);
            assert.equal(inWorker.error, undefined, name);
            const first = await drawNetwork(network);
            assert.equal(inWorker.svg, first.svg, name);
            const again = await drawNetwork(network, { hints: first.layout.hints });
            assert.equal(inWorker.again, again.svg, name);
        }
        // elkjs's worker code once took the worker's `onmessage` for itself.
        const answer = await page.evaluate(
            () =>
                new Promise((resolve) => {
                    const ask = (window as unknown as { ask: (data: unknown) => Promise<unknown> })
                        .ask;
                    setTimeout(() => resolve('no answer'), 10_000);
                    void ask('ping').then(resolve);
                }),
        );
        assert.deepEqual(answer, { pong: true });
        assert.deepEqual(errors, []);
        await page.close();
    });
});
