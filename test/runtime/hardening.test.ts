// Bad input to the runtime, `tnet run`, `tnet bench` and `tnet diagram`: each refused with a clear
// message and the documented exit code or error code, never a stack trace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';

import {
    type MessageConnection,
    ErrorCodes as RpcErrorCodes,
    ResponseError,
    StreamMessageReader,
    StreamMessageWriter,
    createMessageConnection,
} from 'vscode-jsonrpc/node';

import { runJob } from '../../server/src/runtime/jobs';
import { serializeNpy } from '../../server/src/runtime/npy';
import { BenchRequest, ErrorCodes, RunRequest } from '../../server/src/runtime/protocol';
import { attach } from '../../server/src/runtime/server';
import { scratch, tnet } from '../cli';

const { folder: directory, file } = scratch('tnet-hardening-');

/** A runtime server and a client joined by in-memory streams. */
function connect(): { client: MessageConnection; close(): Promise<void> } {
    const up = new PassThrough();
    const down = new PassThrough();
    const serverSide = createMessageConnection(
        new StreamMessageReader(up),
        new StreamMessageWriter(down),
    );
    const server = attach(serverSide);
    serverSide.listen();
    const client = createMessageConnection(
        new StreamMessageReader(down),
        new StreamMessageWriter(up),
    );
    client.listen();
    return {
        client,
        async close() {
            client.dispose();
            await server.dispose();
            serverSide.dispose();
        },
    };
}

async function rpcError(promise: Promise<unknown>): Promise<ResponseError<unknown>> {
    try {
        await promise;
    } catch (error) {
        assert.ok(error instanceof ResponseError, String(error));
        return error;
    }
    assert.fail('the request succeeded');
}

const HUGE = file(
    'huge.tnet',
    'tensor A[1000000, 1000000]\ntensor B[1000000]\nY[i] = A[i, j] * B[j]\n',
);

void describe('runtime refusals', () => {
    const rpc = connect();
    after(() => rpc.close());

    void it('refuses a plan over the CPU typed-array limit before allocating', async () => {
        const result = await tnet('run', HUGE, '--backend', 'cpu', '--memory-budget', '10TiB');
        assert.equal(result.code, 1, result.stderr);
        assert.match(result.stderr, /1000000000000 elements .*limit of 4294967296 elements/);
        assert.doesNotMatch(result.stderr, /RangeError|internal error/);
        const error = await rpcError(
            rpc.client.sendRequest(RunRequest, { file: HUGE, backend: 'cpu', budgetBytes: 1e15 }),
        );
        assert.equal(error.code, ErrorCodes.TooLarge);
        assert.match(error.message, /limit of 4294967296 elements/);
    });

    void it('refuses bad request parameters, naming the parameter and the valid values', async () => {
        const backend = await rpcError(
            rpc.client.sendRequest(RunRequest, {
                file: HUGE,
                backend: 'nope' as 'cpu',
            }),
        );
        assert.equal(backend.code, RpcErrorCodes.InvalidParams);
        assert.match(backend.message, /backend must be one of auto, cpu, webgpu, not "nope"/);
        const repeat = await rpcError(
            rpc.client.sendRequest(BenchRequest, { file: HUGE, backend: 'cpu', repeat: -1 }),
        );
        assert.equal(repeat.code, RpcErrorCodes.InvalidParams);
        assert.match(repeat.message, /repeat must be an integer from 1 to \d+, not -1/);
    });
});

void describe('usage and file errors', () => {
    const small = file('small.tnet', 'tensor A[2, 3]\ntensor C[3]\nZ[i] = A[i, j] * C[j]\n');

    void it('gives exit 2 and the valid names for an unknown statement, in every command', async () => {
        for (const command of ['run', 'bench', 'cost', 'diagram']) {
            const extra = command === 'run' || command === 'bench' ? ['--backend', 'cpu'] : [];
            const result = await tnet(command, small, '--statement', 'NOPE', ...extra);
            assert.equal(result.code, 2, `${command}: ${result.stderr}`);
            assert.match(result.stderr, /NOPE/);
            assert.match(result.stderr, /Z/);
        }
    });

    void it('says why a file cannot be read or written, in words', async () => {
        const missing = join(directory, 'missing.tnet');
        for (const command of ['run', 'bench', 'diagram']) {
            const result = await tnet(command, missing);
            assert.equal(result.code, 1, `${command}: ${result.stderr}`);
            assert.match(result.stderr, /cannot read .*missing\.tnet: no such file or directory/);
            const folder = await tnet(command, directory);
            assert.equal(folder.code, 1, `${command}: ${folder.stderr}`);
            assert.match(folder.stderr, /is a directory/);
        }
        const out = join(directory, 'no', 'dir', 'x.svg');
        const diagram = await tnet('diagram', small, '-o', out);
        assert.equal(diagram.code, 1, diagram.stderr);
        assert.equal(diagram.stderr, `tnet diagram: cannot write ${out}: no such directory\n`);
        const save = await tnet('run', small, '--backend', 'cpu', '--save', `Z=${out}`);
        assert.equal(save.code, 1, save.stderr);
        assert.match(save.stderr, /cannot write .*x\.npy|cannot write .*x\.svg: no such directory/);
        const input = await tnet('run', small, '--backend', 'cpu', '--input', `A=${directory}`);
        assert.equal(input.code, 1, input.stderr);
        assert.match(input.stderr, /cannot read .* for A: is a directory/);
    });
});

void describe('--json on failure', () => {
    void it('prints a JSON error object with the exit code kept', async () => {
        const missing = join(directory, 'missing.tnet');
        const broken = file('broken.tnet', 'tensor A[3, 4]\nB[i] = A[i, i]\n');
        const cases: [string[], number, string][] = [
            [['run', missing], 1, 'input'],
            [['bench', missing], 1, 'input'],
            [['run', broken], 1, 'input'],
            [['run', HUGE, '--backend', 'cpu'], 1, 'too-large'],
            [['bench', HUGE, '--backend', 'cpu'], 1, 'too-large'],
            [['run', HUGE, '--statement', 'NOPE'], 2, 'usage'],
        ];
        for (const [args, code, kind] of cases) {
            const result = await tnet(...args, '--json');
            assert.equal(result.code, code, `${args.join(' ')}: ${result.stderr}`);
            const report = JSON.parse(result.stdout) as {
                file: string;
                error: { message: string; code: string };
                diagnostics: { code: string }[];
            };
            assert.equal(report.file, args[1]);
            assert.equal(report.error.code, kind, args.join(' '));
            assert.ok(report.error.message.length > 0);
            if (args[1] === broken && kind === 'input') assert.ok(report.diagnostics.length > 0);
        }
    });
});

void describe('repeated and out-of-range options', () => {
    const small = file('options.tnet', 'tensor A[2, 3]\ntensor C[3]\nZ[i] = A[i, j] * C[j]\n');
    const usage: [string[], RegExp][] = [
        [['--save', 'Z=a.npy', '--save', 'Z=b.npy'], /--save Z is given twice/],
        [['--input', 'A=a.npy', '--input', 'A=b.npy'], /--input A is given twice/],
        [['--seed', '1', '--seed', '2'], /--seed is given more than once/],
        [['--backend', 'cpu'], /--backend is given more than once/],
        [['--seed', '99999999999999999999'], /from 0 to 4294967295 \(a 32-bit unsigned/],
        [['--seed', '4294967296'], /from 0 to 4294967295/],
        [['--seed', '1e3'], /--seed takes an integer/],
    ];
    for (const [extra, message] of usage) {
        void it(`refuses ${extra.join(' ')} as bad usage`, async () => {
            const command = extra[0] === '--save' ? ['run'] : ['run', 'bench'];
            for (const name of command) {
                const result = await tnet(name, small, '--backend', 'cpu', ...extra);
                assert.equal(result.code, 2, `${name}: ${result.stderr}`);
                assert.match(result.stderr, message);
            }
        });
    }

    void it('takes the largest seed', async () => {
        const result = await tnet('run', small, '--backend', 'cpu', '--seed', '4294967295');
        assert.equal(result.code, 0, result.stderr);
    });
});

void describe('--check', () => {
    void it('gives the relative error over the largest reference magnitude', async () => {
        const tnetFile = file('rel.tnet', 'tensor A[2, 2]\ntensor C[2]\nY[i] = A[i, j] * C[j]\n');
        const a = join(directory, 'rel-a.npy');
        const c = join(directory, 'rel-c.npy');
        writeFileSync(
            a,
            serializeNpy({ dtype: 'f64', shape: [2, 2], data: Float64Array.from([1, 1, 1000, 0]) }),
        );
        writeFileSync(
            c,
            serializeNpy({ dtype: 'f64', shape: [2], data: Float64Array.from([0.1, -0.1000001]) }),
        );
        // Row 0 nearly cancels (about -1e-7, so its own relative error is large); row 1 is 100.
        const report = await runJob({
            file: tnetFile,
            backend: 'cpu',
            inputs: { A: a, C: c },
            check: true,
        });
        const check = report.check!;
        assert.ok(check.maxAbsError > 0);
        assert.ok(Math.abs(check.maxRelError - check.maxAbsError / 100) < 1e-3 * check.maxRelError);
        assert.ok(check.maxRelError < 1e-6, String(check.maxRelError));
    });
});

void describe('the backend opens only when there is something to run', () => {
    void it('reads and analyses the file before starting Dawn', () => {
        const entry = "import('./server/src/cli/main.ts').then((m) => (m.cli ?? m.default.cli)());";
        const missing = join(directory, 'missing.tnet');
        const broken = file('broken-first.tnet', 'tensor A[3, 4]\nB[i] = A[i, i]\n');
        for (const [args, expected] of [
            [['run', missing], /^tnet run: cannot read .*: no such file or directory\n$/],
            [['bench', missing], /^tnet bench: cannot read .*: no such file or directory\n$/],
            [
                ['run', broken, '--backend', 'webgpu'],
                /^[^\n]*error E004[^\n]*\ntnet run: [^\n]*\n$/,
            ],
        ] as const) {
            const result = spawnSync(
                process.execPath,
                ['--import', 'tsx', '--input-type=module', '-e', entry, 'tnet', ...args],
                { encoding: 'utf8' },
            );
            assert.equal(result.status, 1, result.stderr);
            // Dawn prints its warnings when it starts; nothing else may be on stderr.
            assert.match(result.stderr, expected);
        }
    });
});
