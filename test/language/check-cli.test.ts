// `tnet check` through the CLI's own entry: JSON, human output, exit codes, unreadable files.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../server/src/cli/main';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['check', ...args], {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
}

const folder = mkdtempSync(join(tmpdir(), 'tnet-check-'));
const good = join(folder, 'good.tnet');
const bad = join(folder, 'bad.tnet');
writeFileSync(good, 'tensor A[2, 3]\ntensor B[3, 4]\nY[i, k] = A[i, j] * B[j, k]\n');
writeFileSync(bad, 'tensor A[2, 3]\ntensor B[4, 4]\nY[i, k] = A[i, j] * B[j, k]\n');

void test('--json gives diagnostics with 0-based ranges and the shape of every tensor', async () => {
    const { code, stdout } = await run([good, bad, '--json']);
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as {
        files: { file: string; diagnostics: Record<string, unknown>[]; tensors: object }[];
    };
    assert.equal(report.files.length, 2);
    assert.deepEqual(report.files[0]!.tensors, {
        A: { shape: [2, 3] },
        B: { shape: [3, 4] },
        Y: { shape: [2, 4] },
    });
    assert.deepEqual(report.files[0]!.diagnostics, []);
    const [diagnostic] = report.files[1]!.diagnostics;
    assert.deepEqual(Object.keys(diagnostic!).sort(), ['code', 'message', 'range', 'severity']);
    assert.equal(diagnostic!.code, 'E004');
    assert.equal(diagnostic!.severity, 'error');
    assert.deepEqual(diagnostic!.range, {
        start: { line: 2, character: 22 },
        end: { line: 2, character: 23 },
    });
    assert.deepEqual(report.files[1]!.tensors, { A: { shape: [2, 3] }, B: { shape: [4, 4] } });
});

void test('human output is compiler style, 1-based, with a summary', async () => {
    const { code, stdout } = await run([bad]);
    assert.equal(code, 1);
    assert.match(
        stdout,
        /bad\.tnet:3:23: error E004: index `j` is 3 in `A`, axis 1, but 4 in `B`, axis 0\n/,
    );
    assert.match(stdout, /checked 1 file: 1 error, 0 warnings\n$/);
    const clean = await run([good]);
    assert.equal(clean.code, 0);
    assert.match(clean.stdout, /checked 1 file: 0 errors/);
});

void test('a directory checks every .tnet file in it', async () => {
    const nested = join(folder, 'tree');
    mkdirSync(join(nested, 'inner'), { recursive: true });
    writeFileSync(join(nested, 'one.tnet'), 'tensor A[2]\nY[i] = A[i]\n');
    writeFileSync(join(nested, 'inner', 'two.tnet'), 'tensor B[2]\nZ[i] = B[i]\n');
    writeFileSync(join(nested, 'notes.txt'), 'not a tnet file');
    const { code, stdout } = await run([nested, '--json']);
    assert.equal(code, 0);
    const files = (JSON.parse(stdout) as { files: { file: string }[] }).files.map((f) => f.file);
    assert.deepEqual(files, [join(nested, 'inner', 'two.tnet'), join(nested, 'one.tnet')]);
});

void test('the examples folder checks with no error', async () => {
    const { code, stdout } = await run([join(import.meta.dirname, '..', '..', 'examples')]);
    assert.equal(code, 0, stdout);
    assert.match(stdout, /: 0 errors/);
});

void test('an unreadable file is an error that names it, not a stack trace', async () => {
    const missing = join(folder, 'missing.tnet');
    const { code, stdout, stderr } = await run([missing, good]);
    assert.equal(code, 1);
    assert.match(stdout, /missing\.tnet: error: cannot read: no such file or directory/);
    assert.doesNotMatch(stdout + stderr, /at .*\.ts:\d+/);
    const json = await run([missing, '--json']);
    assert.equal(json.code, 1);
    assert.match(json.stderr, /cannot read .*missing\.tnet/);
});

void test('usage: no file is exit 2, an unknown option is exit 2, --help describes --json', async () => {
    assert.equal((await run([])).code, 2);
    const unknown = await run(['--frobnicate', good]);
    assert.equal(unknown.code, 2);
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--json/);
    assert.match(help.stdout, /Exit status/);
});

void test('a directory with symbolic link cycles is walked once and each file checked once', async () => {
    const top = join(mkdtempSync(join(tmpdir(), 'tnet-check-links-')), 'd');
    const sub = join(top, 'sub');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'one.tnet'), 'tensor A[2, 3]\n');
    symlinkSync('..', join(sub, 'up'));
    symlinkSync(top, join(sub, 'self'));
    const { code, stdout } = await run([top, '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { files: { file: string }[] };
    assert.deepEqual(
        report.files.map((file) => file.file),
        [join(sub, 'one.tnet')],
    );
});
