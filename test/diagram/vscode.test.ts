// The diagram preview in a real VS Code (for the web, offline, in headless Chromium): the command
// opens the panel beside the editor, it draws the equation under the cursor, follows the cursor to
// another equation and redraws as the text changes.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { openWorkbench, type Workbench } from '../e2e/workbench';

const SOURCE = [
    '# a strided 2d convolution, written out and as a call',
    'size N = 8, C = 3, H = 32, W = 32, D = 16',
    'tensor X[N, C, H, W]',
    'tensor K[D, C, 3, 3]',
    'pattern P = conv(in=H, kernel=3, stride=2, padding=1)',
    'pattern Q = conv(in=W, kernel=3, stride=2, padding=1)',
    'Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]',
    'tensor A[64, 512]',
    'tensor B[512, 8]',
    'M = einsum("ij,jk->ik", A, B)',
    '',
].join('\n');

const SHOTS = join('.tmp', 'diagram-screenshots');

void describe('diagram preview in VS Code for the web', () => {
    let workbench: Workbench;
    let page: Page;
    let preview: FrameLocator;

    const line = (text: string) =>
        page.locator('.monaco-editor .view-line', { hasText: text }).first();

    before(async () => {
        mkdirSync(SHOTS, { recursive: true });
        workbench = await openWorkbench({ 'conv.tnet': SOURCE }, 'diagram');
        page = workbench.page;
        await page.locator('.monaco-list-row', { hasText: 'conv.tnet' }).first().click();
        await line('X[n, c, h, w] * P[h, y, i]').waitFor();
        // The command runs as soon as the editor shows, while the language server may still start.
        preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    });

    after(async () => {
        await workbench?.close();
    });

    void it('opens beside the editor on the equation under the cursor', async () => {
        await line('X[n, c, h, w] * P[h, y, i]').click();
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget input.input').waitFor();
        await page.keyboard.type('tnet: Open Diagram Preview');
        await page
            .locator('.quick-input-list .monaco-list-row', { hasText: 'Open Diagram Preview' })
            .first()
            .click();
        try {
            await page.locator('.tab', { hasText: 'Diagram: Y' }).waitFor({ timeout: 60_000 });
        } finally {
            await page.screenshot({ path: join(SHOTS, 'vscode-command.png') });
        }
        await preview.locator('svg[aria-label="tensor network of Y"]').waitFor({ timeout: 30_000 });
        assert.equal(await preview.locator('svg [data-tensor]').count(), 5);
        assert.equal(await preview.locator('svg .tn-edge').count(), 9);
        // The editor stays visible: the panel is in a second group.
        assert.equal(await page.locator('.editor-group-container').count(), 2);
        await page.screenshot({ path: join(SHOTS, 'vscode-preview.png') });
    });

    void it('follows the cursor to another equation and steps its path', async () => {
        await line('einsum("ij,jk->ik"').click();
        try {
            await preview
                .locator('svg[aria-label="tensor network of M"]')
                .waitFor({ timeout: 20_000 });
        } finally {
            await page.screenshot({ path: join(SHOTS, 'vscode-follow.png') });
        }
        await page.locator('.tab', { hasText: 'Diagram: M' }).waitFor();
        await preview.locator('#next').click();
        await preview.locator('#counter', { hasText: 'step 1 of 1' }).waitFor();
        assert.match((await preview.locator('#step-info').textContent())!, /64×8/);
    });

    void it('lights the edge of the index under the cursor', async () => {
        const goTo = async (where: string): Promise<void> => {
            await page.keyboard.press('Control+G');
            await page.locator('.quick-input-widget input.input').waitFor();
            await page.keyboard.type(where);
            await page.keyboard.press('Enter');
        };
        // The path control had the focus; line 8 is no equation's, so the drawing stays.
        await line('tensor A[64, 512]').click();
        // Line 7 is Y's; its `h` (in `X[n, c, h, w]`) stands at column 25.
        await goTo('7:25');
        try {
            await preview
                .locator('svg[aria-label="tensor network of Y"]')
                .waitFor({ timeout: 20_000 });
        } finally {
            await page.screenshot({ path: join(SHOTS, 'vscode-cursor-index.png') });
        }
        await goTo('7:26');
        await preview
            .locator('svg .tn-edge.tn-highlight[data-index="h"]')
            .waitFor({ timeout: 20_000 });
        assert.equal(await preview.locator('svg .tn-edge.tn-highlight').count(), 1);
        await page.screenshot({ path: join(SHOTS, 'vscode-cursor-index.png') });
    });

    void it('redraws as the text changes', async () => {
        await line('tensor B[512, 8]').click();
        await page.keyboard.press('End');
        await page.keyboard.press('Backspace');
        await page.keyboard.press('Backspace');
        await page.keyboard.type('16]');
        await line('einsum("ij,jk->ik"').click();
        await preview
            .locator('svg text.tn-label', { hasText: 'k 16' })
            .waitFor({ timeout: 20_000 });
        await page.screenshot({ path: join(SHOTS, 'vscode-edited.png') });
    });
});
