// `tnet lsp`: bad usage is refused with a clear message; the server itself is what every other
// test in this folder talks to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const tnet = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'test/lsp/tnet.ts', ...args], {
        encoding: 'utf8',
    });

void test('tnet lsp without a transport says which ones there are, exit code 2', () => {
    const result = tnet('lsp');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /give the transport: --stdio or --node-ipc/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
});

void test('tnet lsp with an unknown option names it', () => {
    const result = tnet('lsp', '--stdio', '--fast');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown option '--fast'/);
});

void test('tnet --help lists the lsp command', () => {
    const result = tnet('--help');
    assert.equal(result.status, 0);
    assert.match(result.stdout, /lsp +start the language server/);
});
