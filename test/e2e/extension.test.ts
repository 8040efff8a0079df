// The built extension: packaged into a .vsix; its desktop server bundle over Node IPC; and loaded
// in a real VS Code (for the web, offline, in headless Chromium), where it shows diagnostics, a
// hover with the cost report, completion of the built-ins, and the outline. One file, so that one
// build serves all.
import assert from 'node:assert/strict';
import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { openWorkbench, type Workbench } from './workbench';

const SOURCE = [
    '# a strided 2d convolution, and one mistake',
    'size N = 8, C = 3, H = 32, W = 32, D = 16',
    'tensor X[N, C, H, W]',
    'tensor K[D, C, 3, 3]',
    'pattern P = conv(in=H, kernel=3, stride=2, padding=1)',
    'pattern Q = conv(in=W, kernel=3, stride=2, padding=1)',
    'Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]',
    'Bad[n] = X[n, c, h, w] * Missing[c]',
    'tensor U[4, C, 1]',
    'pattern I = conv(in=H, kernel=1)',
    'S[n, e, y, x] = X[n, c, h, x] * I[h, y, k] * U[e, c, k]',
    '',
].join('\n');

/** The file names in a zip archive, from its central directory. */
function zipEntries(archive: Buffer): string[] {
    const names: string[] = [];
    for (let at = 0; at < archive.length - 46; at++) {
        if (archive.readUInt32LE(at) !== 0x02014b50) continue;
        const nameLength = archive.readUInt16LE(at + 28);
        const extraLength = archive.readUInt16LE(at + 30);
        const commentLength = archive.readUInt16LE(at + 32);
        names.push(archive.toString('utf8', at + 46, at + 46 + nameLength));
        at += 45 + nameLength + extraLength + commentLength;
    }
    return names;
}

const SHOTS = join('.vscode-test-web', 'screenshots');
let workbench: Workbench;
let page: Page;

async function shot(name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    workbench = await openWorkbench({ 'conv.tnet': SOURCE }, 'e2e');
    page = workbench.page;
    await page.locator('.monaco-list-row', { hasText: 'conv.tnet' }).first().click();
    await page.locator('.monaco-editor .view-line').first().waitFor();
});

after(async () => {
    await workbench?.close();
});

void test('the extension packages into a .vsix with dist/ and syntaxes/ and no sources', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tnet-vsix-'));
    try {
        const output = join(folder, 'tnet.vsix');
        const packaged = spawnSync(
            process.execPath,
            [
                'node_modules/@vscode/vsce/vsce',
                'package',
                '--no-dependencies',
                '--allow-missing-repository',
                '--skip-license',
                '-o',
                output,
            ],
            { encoding: 'utf8' },
        );
        assert.equal(packaged.status, 0, packaged.stdout + packaged.stderr);
        const entries = zipEntries(readFileSync(output));
        for (const expected of [
            'extension/package.json',
            'extension/dist/client.js',
            'extension/dist/server.js',
            'extension/dist/web/client.js',
            'extension/dist/web/server.js',
            'extension/syntaxes/tnet.tmLanguage.json',
            'extension/syntaxes/language-configuration.json',
        ]) {
            assert.ok(entries.includes(expected), `${expected} missing from ${entries.join(', ')}`);
        }
        const unwanted = entries.filter(
            (entry) =>
                entry.endsWith('.map') ||
                entry.endsWith('.ts') ||
                entry.includes('node_modules/') ||
                entry.startsWith('extension/test/'),
        );
        assert.deepEqual(unwanted, []);
    } finally {
        rmSync(folder, { recursive: true, force: true });
    }
});

void test('the desktop server bundle answers over Node IPC, as desktop VS Code starts it', async () => {
    // What TransportKind.ipc does: fork the module with --node-ipc.
    const child = fork('dist/server.js', ['--node-ipc'], {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const connection = createMessageConnection(
        new IPCMessageReader(child),
        new IPCMessageWriter(child),
    );
    connection.listen();
    try {
        const diagnostics = new Promise<{ diagnostics: { code?: unknown }[] }>((done) =>
            connection.onNotification('textDocument/publishDiagnostics', done),
        );
        const result = await connection.sendRequest<{ capabilities: Record<string, unknown> }>(
            'initialize',
            { processId: process.pid, rootUri: null, capabilities: {} },
        );
        assert.ok(result.capabilities.hoverProvider);
        await connection.sendNotification('initialized', {});
        await connection.sendNotification('textDocument/didOpen', {
            textDocument: { uri: 'file:///ipc.tnet', languageId: 'tnet', version: 1, text: SOURCE },
        });
        const published = await diagnostics;
        assert.ok(published.diagnostics.some((d) => d.code === 'E002'));
        await connection.sendRequest('shutdown');
        const exited = new Promise((done) => child.once('exit', done));
        await connection.sendNotification('exit');
        assert.equal(await exited, 0);
    } finally {
        connection.dispose();
        child.kill();
    }
});

void test('a file with an error shows it as a squiggle and in the Problems panel', async () => {
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Control+Shift+M');
    const problems = page.locator('.markers-panel .monaco-list-row');
    await problems.filter({ hasText: 'Missing' }).first().waitFor();
    const text = await page.locator('.markers-panel').innerText();
    assert.match(text, /undefined .*Missing/);
    assert.match(text, /E002/);
    assert.match(await page.locator('.statusbar').innerText(), /tnet/);
    // The cost model's hint (I201) comes from the second pass, in the worker too.
    await page.locator('.monaco-editor .squiggly-hint').first().waitFor({ timeout: 30_000 });
    // The server's status item stays healthy: a check mark, no error.
    const item = (icon: string) =>
        page.locator('.statusbar-item', { has: page.locator(icon), hasText: 'tnet' });
    assert.equal(await item('.codicon-check').count(), 1);
    assert.equal(await item('.codicon-error').count(), 0);
    await shot('problems');
    await page.keyboard.press('Control+Shift+M');
});

void test('hovering the name an equation defines shows its shape and cost', async () => {
    const line = page.locator('.monaco-editor .view-line', { hasText: 'Y[n, d, y, x]' });
    await line.hover({ position: { x: 3, y: 8 } });
    const hover = page.locator('.monaco-hover', { hasText: 'naive FLOPs' });
    await hover.waitFor({ timeout: 20_000 });
    const text = await hover.innerText();
    assert.match(text, /\[8, 16, 16, 16\]/);
    assert.match(text, /optimised FLOPs/);
    assert.match(text, /speedup/);
    assert.match(text, /peak memory/);
    await shot('hover');
    await page.mouse.move(700, 700);
});

void test('completion after `=` offers the built-ins', async () => {
    await page.locator('.monaco-editor .view-line').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('Z = ');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.suggest-widget .monaco-list-row');
    await suggest.filter({ hasText: 'conv' }).first().waitFor({ timeout: 20_000 });
    const labels = await suggest.allInnerTexts();
    for (const name of ['conv', 'conv_transpose', 'einsum', 'kfc']) {
        assert.ok(
            labels.some((label) => label.startsWith(name)),
            labels.join(' | '),
        );
    }
    await shot('completion');
    await page.keyboard.press('Escape');
});

void test('Format Document gives the canonical layout', async () => {
    await page.locator('.monaco-editor .view-line').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('size   Extra=2*N');
    // From the command palette: in a browser, Shift+Alt+F opens the File menu instead.
    await page.keyboard.press('F1');
    await page.keyboard.type('Format Document');
    await page
        .locator('.quick-input-list .monaco-list-row', { hasText: /^Format Document/ })
        .first()
        .waitFor();
    await page.keyboard.press('Enter');
    try {
        await page
            .locator('.monaco-editor .view-line', { hasText: 'size Extra = 2 * N' })
            .waitFor({ timeout: 20_000 });
    } finally {
        await shot('formatted');
        await page.keyboard.press('Escape');
    }
});

void test('the outline lists the statements', async () => {
    // Fold the folder view so that the outline has the height to show every row.
    await page.locator('.pane-header', { hasText: 'Test Files' }).click();
    const header = page.locator('.pane-header', { hasText: 'Outline' });
    await header.click();
    const rows = page.locator('.outline-pane .monaco-list-row');
    await page
        .locator('.outline-pane .monaco-list-row[aria-label^="S "]')
        .waitFor({ timeout: 20_000 });
    const labels = await rows.evaluateAll((elements) =>
        elements.map((element) => element.getAttribute('aria-label') ?? ''),
    );
    // In source order; a `Z` typed by the completion test may follow.
    assert.deepEqual(labels.map((label) => label.split(' ')[0]).slice(0, 14), [
        'N',
        'C',
        'H',
        'W',
        'D',
        'X',
        'K',
        'P',
        'Q',
        'Y',
        'Bad',
        'U',
        'I',
        'S',
    ]);
    assert.ok(labels.includes('N (constant)'), labels.join(' | '));
    await shot('outline');
});
