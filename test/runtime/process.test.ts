// The runtime process over real stdio: runs and benchmarks by JSON-RPC, errors with their codes
// and the file's diagnostics, cancellation by $/cancelRequest, and ending the process.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
    CancellationTokenSource,
    type MessageConnection,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
    createMessageConnection,
} from 'vscode-jsonrpc/node';

import {
    BenchRequest,
    ErrorCodes,
    ProgressNotification,
    RunRequest,
} from '../../server/src/runtime/protocol';

const directory = mkdtempSync(join(tmpdir(), 'tnet-process-'));
const CONV = join(directory, 'conv.tnet');
writeFileSync(
    CONV,
    'size N = 8, C = 3, H = 32, W = 32, D = 16\ntensor X[N, C, H, W]\ntensor K[D, C, 3, 3]\nZ = conv(X, K, stride=2, padding=1)\n',
);
const BROKEN = join(directory, 'broken.tnet');
writeFileSync(BROKEN, 'tensor A[3, 4]\nB[i] = A[i, i]\n');

function start(): { child: ChildProcess; connection: MessageConnection } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/runtime/main.ts'], {
        stdio: ['pipe', 'pipe', 'inherit'],
    });
    const connection = createMessageConnection(
        new StreamMessageReader(child.stdout!),
        new StreamMessageWriter(child.stdin!),
    );
    connection.listen();
    return { child, connection };
}

void describe('runtime process', () => {
    let runtime: ReturnType<typeof start>;
    before(() => {
        runtime = start();
    });
    after(() => {
        runtime.connection.dispose();
        runtime.child.kill();
    });

    void it('runs a statement and reports progress', async () => {
        const messages: string[] = [];
        runtime.connection.onNotification(ProgressNotification, (params) => {
            if (params.progressId === 'run-1') messages.push(params.message);
        });
        const report = await runtime.connection.sendRequest(RunRequest, {
            file: CONV,
            backend: 'cpu',
            progressId: 'run-1',
        });
        assert.equal(report.statement, 'Z');
        assert.deepEqual(report.shape, [8, 16, 16, 16]);
        assert.ok(report.evaluated[0]!.steps.length > 0);
        assert.deepEqual(messages, ['running Z']);
    });

    void it('benchmarks unsaved text sent with the request', async () => {
        const report = await runtime.connection.sendRequest(BenchRequest, {
            file: 'unsaved.tnet',
            text: 'tensor A[20, 30]\ntensor B[30, 10]\nC = einsum("ij,jk->ik", A, B)\n',
            backend: 'cpu',
            warmup: 0,
            repeat: 2,
        });
        assert.equal(report.statement, 'C');
        assert.deepEqual(
            report.plans.map((plan) => plan.plan),
            ['structured'],
        );
    });

    void it('answers a file with errors with its diagnostics', async () => {
        await assert.rejects(
            runtime.connection.sendRequest(RunRequest, { file: BROKEN, backend: 'cpu' }),
            (error: unknown) => {
                assert.ok(error instanceof ResponseError);
                assert.equal(error.code, ErrorCodes.InvalidInput);
                assert.equal(
                    (error.data as { diagnostics: { code: string }[] }).diagnostics[0]!.code,
                    'E004',
                );
                return true;
            },
        );
    });

    void it('cancels a request by $/cancelRequest and keeps serving', async () => {
        const source = new CancellationTokenSource();
        let started = false;
        runtime.connection.onNotification(ProgressNotification, (params) => {
            if (params.progressId === 'cancel-me' && !started) {
                started = true;
                source.cancel();
            }
        });
        const pending = runtime.connection.sendRequest(
            BenchRequest,
            { file: CONV, backend: 'cpu', warmup: 0, repeat: 1000, progressId: 'cancel-me' },
            source.token,
        );
        await assert.rejects(pending, (error: unknown) => {
            assert.ok(error instanceof ResponseError);
            assert.equal(error.code, -32800);
            return true;
        });
        const report = await runtime.connection.sendRequest(RunRequest, {
            file: CONV,
            backend: 'cpu',
        });
        assert.equal(report.statement, 'Z');
    });
});

void describe('runtime process, ended', () => {
    void it('fails the pending request when the process ends', async () => {
        const { child, connection } = start();
        const exited = new Promise((resolve) => child.on('exit', resolve));
        const pending = connection.sendRequest(BenchRequest, {
            file: CONV,
            backend: 'cpu',
            warmup: 0,
            repeat: 1000,
        });
        // The first progress notification shows that the run has begun.
        await new Promise<void>((resolve) =>
            connection.onNotification(ProgressNotification, () => resolve()),
        );
        child.kill();
        await exited;
        // The runner disposes of its connection when the process exits; that fails what is pending.
        connection.dispose();
        await assert.rejects(pending, /disposed/);
    });
});
