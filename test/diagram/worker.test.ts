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

    void it('draws every fixture exactly as Node does', async () => {
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
        for (const [name, make] of Object.entries(FIXTURES)) {
            const network = make();
            const inWorker = await page.evaluate(
                (data) =>
                    new Promise<{ svg?: string; error?: string }>((resolve) => {
                        const worker = new Worker('/worker.js');
                        worker.onmessage = (event: MessageEvent<{ svg?: string }>) => {
                            resolve(event.data);
                            worker.terminate();
                        };
                        worker.postMessage(data);
                    }),
                network,
            );
            assert.equal(inWorker.error, undefined, name);
            assert.equal(inWorker.svg, (await drawNetwork(network)).svg, name);
        }
        assert.deepEqual(errors, []);
        await page.close();
    });
});
