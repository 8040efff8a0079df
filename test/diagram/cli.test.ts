// `tnet diagram` end to end, in process: statement choice, errors and the file it writes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tnet } from '../cli';

const CONV = join(__dirname, 'tnet', 'conv2d.tnet');

void describe('tnet diagram', () => {
    void it('draws the last equation by default', async () => {
        const { code, stdout } = await tnet('diagram', CONV);
        assert.equal(code, 0);
        assert.match(stdout, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
        assert.match(stdout, /<title>Z<\/title>/);
        assert.match(stdout, /<style>/);
    });

    void it('draws the statement named, to the file named', async () => {
        const out = join(mkdtempSync(join(tmpdir(), 'tnet-diagram-')), 'y.svg');
        const { code, stdout, stderr } = await tnet('diagram', CONV, '--statement', 'Y', '-o', out);
        assert.equal(code, 0);
        assert.equal(stdout, '');
        assert.match(stderr, /y\.svg/);
        const svg = readFileSync(out, 'utf8');
        assert.match(svg, /<title>Y<\/title>/);
        for (const tensor of ['X', 'P', 'Q', 'K', 'Y'])
            assert.match(svg, new RegExp(`data-tensor="${tensor}"`));
    });

    void it('lists the valid statements for an unknown name', async () => {
        const { code, stderr } = await tnet('diagram', CONV, '--statement', 'W');
        assert.equal(code, 2);
        assert.match(stderr, /no equation named 'W'; its equations: Y, Z/);
        assert.doesNotMatch(stderr, /at .*\.ts/);
    });

    void it('reports a missing file, a file with errors and bad usage without a stack trace', async () => {
        const missing = await tnet('diagram', join(tmpdir(), 'no-such-file.tnet'));
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /cannot read .*no-such-file\.tnet/);

        const bad = join(mkdtempSync(join(tmpdir(), 'tnet-diagram-')), 'bad.tnet');
        writeFileSync(bad, 'tensor A[2, 3]\ntensor B[4, 5]\nM[i, k] = A[i, j] * B[j, k]\n');
        const broken = await tnet('diagram', bad);
        assert.equal(broken.code, 1);
        assert.match(broken.stderr, /bad\.tnet:3:\d+: error E004/);
        assert.match(broken.stderr, /'M' has errors/);

        const usage = await tnet('diagram');
        assert.equal(usage.code, 2);
        const unknown = await tnet('diagram', CONV, '--colour');
        assert.equal(unknown.code, 2);
    });
});
