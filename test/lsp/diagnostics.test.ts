// Diagnostics over the protocol: codes, related information, versions, and no stale results.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LspClient } from './harness';

let client: LspClient;
before(async () => {
    client = await LspClient.start();
});
after(async () => {
    assert.equal(await client.stop(), 0);
});

const conflict = [
    'tensor A[64, 512]',
    'tensor B[8, 8]',
    'M[i, k] = A[i, j] * B[j, k]',
    'N = undefinedThing',
].join('\n');

void test('opening a file publishes its diagnostics with codes and related places', async () => {
    const published = await client.open('file:///diag/conflict.tnet', conflict);
    assert.equal(published.version, 1);
    const codes = published.diagnostics.map((d) => d.code).sort();
    assert.ok(codes.includes('E004'), JSON.stringify(published.diagnostics));
    const e004 = published.diagnostics.find((d) => d.code === 'E004')!;
    assert.equal(e004.source, 'tnet');
    assert.equal(e004.severity, 1);
    assert.match(String(e004.message), /512/);
    assert.match(String(e004.message), /8/);
    assert.equal(e004.range.start.line, 2);
    const related = e004.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0]!.location.uri, 'file:///diag/conflict.tnet');
    assert.equal(related[0]!.location.range.start.line, 2);
    assert.notDeepEqual(related[0]!.location.range, e004.range);
});

void test('an edit that fixes the file clears its diagnostics, for that version', async () => {
    const uri = 'file:///diag/fix.tnet';
    await client.open(uri, 'tensor A[2, 3]\nB[i] = A[i, q] * C[q]\n');
    const fixed = await client.replace(uri, 'tensor A[2, 3]\nB[i] = A[i, q]\n');
    assert.equal(fixed.version, 2);
    assert.deepEqual(
        fixed.diagnostics.filter((d) => d.severity === 1),
        [],
    );
});

void test('a burst of keystrokes ends with the diagnostics of the last version only', async () => {
    const uri = 'file:///diag/burst.tnet';
    await client.open(uri, 'tensor A[2, 3]\n');
    const text = 'B[i] = A[i, j] * Z[j]';
    let version = 1;
    const from = client.published.length;
    const last = 1 + text.length;
    const final = client.waitForDiagnostics(uri, last);
    for (let i = 0; i < text.length; i++) {
        version = await client.change(uri, [
            {
                range: { start: { line: 1, character: i }, end: { line: 1, character: i } },
                text: text[i]!,
            },
        ]);
    }
    assert.equal(version, last);
    const published = await final;
    const seen = client.published
        .slice(from)
        .filter((params) => params.uri === uri)
        .map((params) => params.version ?? -1);
    // Published versions only grow, and the last one is the last edit's.
    assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        seen,
    );
    assert.equal(seen[seen.length - 1], last);
    assert.ok(seen.length < text.length, `${seen.length} publications for ${text.length} edits`);
    const undefinedName = published.diagnostics.find((d) => d.code === 'E002');
    assert.ok(undefinedName, JSON.stringify(published.diagnostics));
    assert.equal(undefinedName.range.start.line, 1);
});

void test('closing a document clears its diagnostics', async () => {
    const uri = 'file:///diag/close.tnet';
    const opened = await client.open(uri, 'X = nothing\n');
    assert.ok(opened.diagnostics.length > 0);
    const cleared = client.waitForDiagnostics(uri);
    await client.close(uri);
    assert.deepEqual((await cleared).diagnostics, []);
});

void test('warnings and hints carry their severities', async () => {
    const published = await client.open(
        'file:///diag/unused.tnet',
        'size N = 4, M = 5\ntensor A[N, N]\nt[] = A[i, i]\n',
    );
    const byCode = new Map(published.diagnostics.map((d) => [d.code, d]));
    assert.equal(byCode.get('W101')?.severity, 2, JSON.stringify(published.diagnostics));
});

void test('the cost model adds W103 and I201, and keeps them for statements an edit leaves alone', async () => {
    const server = await LspClient.start({ settings: { memoryBudgetBytes: 1024 } });
    try {
        const uri = 'file:///diag/cost.tnet';
        const text = [
            'size N = 2, C = 3, H = 8',
            'tensor X[N, C, H]',
            'tensor W[4, C, 1]',
            'pattern P = conv(in=H, kernel=1)',
            'Y[n, d, o] = X[n, c, i] * P[i, o, k] * W[d, c, k]',
            'tensor A[64, 64]',
            'M[i, k] = A[i, j] * A[j, l] * A[l, m] * A[m, k]',
            '',
        ].join('\n');
        await server.open(uri, text);
        // The cost diagnostics follow the language core's, for the same version.
        const published = await server.diagnosticsWhere(uri, 1, (params) =>
            params.diagnostics.some((d) => d.code === 'I201'),
        );
        const codes: unknown[] = published.diagnostics.map((d) => d.code);
        const warning = published.diagnostics.find((d) => d.code === 'W103');
        assert.ok(warning, JSON.stringify(published.diagnostics));
        assert.equal(warning.range.start.line, 6);
        assert.deepEqual(
            codes.filter((code) => code === 'W103'),
            ['W103'],
        );
        const hint = published.diagnostics.find((d) => d.code === 'I201')!;
        assert.equal(hint.severity, 4);
        assert.equal(hint.range.start.line, 4);
        // An edit above moves the statement; its hints come at once, moved with it.
        const version = await server.change(uri, [
            {
                range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
                text: '# moved\n',
            },
        ]);
        const moved = await server.waitForDiagnostics(uri, version);
        const again = moved.diagnostics.find((d) => d.code === 'I201');
        assert.ok(again, JSON.stringify(moved.diagnostics));
        assert.equal(again.range.start.line, 5);
    } finally {
        assert.equal(await server.stop(), 0);
    }
});

void test('a changed memory budget setting re-checks open files for W103', async () => {
    const uri = 'file:///diag/budget.tnet';
    const text = 'tensor A[64, 64]\nM[i, k] = A[i, j] * A[j, l] * A[l, m] * A[m, k]\n';
    const opened = await client.open(uri, text);
    assert.ok(!opened.diagnostics.some((d) => d.code === 'W103'));
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { tnet: { memoryBudgetBytes: 1024 } },
    });
    const warned = await client.diagnosticsWhere(uri, 1, (params) =>
        params.diagnostics.some((d) => d.code === 'W103'),
    );
    const warning = warned.diagnostics.find((d) => d.code === 'W103')!;
    assert.match(String(warning.message), /over the memory budget of 1\.0 KiB/);
    await client.connection.sendNotification('workspace/didChangeConfiguration', {
        settings: { tnet: {} },
    });
    await client.diagnosticsWhere(
        uri,
        1,
        (params) =>
            params !== warned &&
            !params.diagnostics.some((d) => d.code === 'W103') &&
            client.published.indexOf(params) > client.published.indexOf(warned),
    );
});
