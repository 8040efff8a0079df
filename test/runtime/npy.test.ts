// .npy reading and writing: round trips in f32 and f64, and a clear error for each kind of bad file.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NpyError, parseNpy, serializeNpy } from '../../server/src/runtime/npy';

function header(text: string, major = 1): Uint8Array {
    const body = new TextEncoder().encode(text);
    const prefix = major === 1 ? 10 : 12;
    const out = new Uint8Array(prefix + body.length);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, body.length, true);
    else view.setUint32(8, body.length, true);
    out.set(body, prefix);
    return out;
}

function withData(head: Uint8Array, data: Uint8Array): Uint8Array {
    const out = new Uint8Array(head.length + data.length);
    out.set(head);
    out.set(data, head.length);
    return out;
}

void describe('npy', () => {
    void it('round-trips f32 and f64 arrays with their shapes', () => {
        const f32 = {
            dtype: 'f32' as const,
            shape: [2, 3],
            data: Float32Array.from([1, 2, 3, 4, 5, 6.5]),
        };
        const f64 = {
            dtype: 'f64' as const,
            shape: [4],
            data: Float64Array.from([0.1, -2, 3e100, 4]),
        };
        const scalar = { dtype: 'f64' as const, shape: [], data: Float64Array.from([7]) };
        for (const array of [f32, f64, scalar]) {
            const bytes = serializeNpy(array);
            const back = parseNpy(bytes);
            assert.equal(back.dtype, array.dtype);
            assert.deepEqual(back.shape, array.shape);
            assert.deepEqual(Array.from(back.data), Array.from(array.data));
        }
    });

    void it('reads an array out of a Node Buffer that shares a larger pool', () => {
        const bytes = serializeNpy({
            dtype: 'f32',
            shape: [3],
            data: Float32Array.from([1, 2, 3]),
        });
        const pooled = Buffer.concat([Buffer.alloc(5), bytes, Buffer.alloc(7)]).subarray(
            5,
            5 + bytes.length,
        );
        const back = parseNpy(pooled);
        assert.equal(back.data.length, 3);
        assert.deepEqual(Array.from(back.data), [1, 2, 3]);
    });

    void it('aligns the data to 64 bytes as numpy does', () => {
        const bytes = serializeNpy({ dtype: 'f32', shape: [3], data: new Float32Array(3) });
        assert.equal((bytes.length - 12) % 64, 0);
    });

    void it('reads version 2 headers', () => {
        const head = header("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", 2);
        const data = new Uint8Array(Float64Array.from([1.5, 2.5]).buffer);
        assert.deepEqual(Array.from(parseNpy(withData(head, data)).data), [1.5, 2.5]);
    });

    const bad: [string, Uint8Array, RegExp][] = [
        ['not a .npy file', new TextEncoder().encode('hello world, not numpy'), /not a \.npy file/],
        [
            'Fortran order',
            header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n"),
            /Fortran order/,
        ],
        [
            'an integer dtype',
            header("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n"),
            /dtype '<i8'/,
        ],
        [
            'a big-endian float',
            header("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n"),
            /dtype '>f4'/,
        ],
        [
            'truncated data',
            withData(
                header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n"),
                new Uint8Array(8),
            ),
            /truncated: shape \[4\] needs 16 bytes of data, the file has 8/,
        ],
        [
            'extra bytes after the data',
            withData(
                header("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"),
                new Uint8Array(12),
            ),
            /extra bytes after its data: shape \[2\] expects 8 bytes of data, found 12/,
        ],
        [
            'a truncated header',
            header("{'descr': '<f4'").subarray(0, 14),
            /truncated inside its header/,
        ],
    ];
    for (const [what, bytes, message] of bad) {
        void it(`refuses ${what}`, () => {
            assert.throws(
                () => parseNpy(bytes, 'x.npy'),
                (error: unknown) => {
                    assert.ok(error instanceof NpyError);
                    assert.match(error.message, message);
                    assert.match(error.message, /x\.npy/);
                    return true;
                },
            );
        });
    }
});
