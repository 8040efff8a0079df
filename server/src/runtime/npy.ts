/** Reading and writing NumPy `.npy` files (format 1.0 to 3.0): f32 and f64, C order, little-endian. */

export type NpyDType = 'f32' | 'f64';

export interface NpyArray {
    dtype: NpyDType;
    shape: number[];
    data: Float32Array | Float64Array;
}

/** A file that is not an array this runtime reads; the message says what and where. */
export class NpyError extends Error {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DESCRIPTORS: Record<string, NpyDType> = { '<f4': 'f32', '<f8': 'f64' };

export function parseNpy(bytes: Uint8Array, source = 'the file'): NpyArray {
    if (bytes.length < 10 || MAGIC.some((byte, index) => bytes[index] !== byte)) {
        throw new NpyError(`${source} is not a .npy file (it does not start with \\x93NUMPY)`);
    }
    const major = bytes[6]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let headerLength: number;
    let headerStart: number;
    if (major === 1) {
        headerLength = view.getUint16(8, true);
        headerStart = 10;
    } else if (major === 2 || major === 3) {
        if (bytes.length < 12) throw new NpyError(`${source} is truncated inside its header`);
        headerLength = view.getUint32(8, true);
        headerStart = 12;
    } else {
        throw new NpyError(`${source} has .npy format version ${major}, which is not supported`);
    }
    const dataStart = headerStart + headerLength;
    if (bytes.length < dataStart) throw new NpyError(`${source} is truncated inside its header`);
    const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));

    const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
    const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
    const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
    if (descr === undefined || fortran === undefined || shapeText === undefined) {
        throw new NpyError(`${source} has a header that cannot be read: ${header.trim()}`);
    }
    const dtype = DESCRIPTORS[descr];
    if (dtype === undefined) {
        throw new NpyError(
            `${source} holds dtype '${descr}'; only little-endian float32 ('<f4') and ` +
                `float64 ('<f8') are supported`,
        );
    }
    if (fortran === 'True') {
        throw new NpyError(
            `${source} is in Fortran order; save it in C order (numpy.ascontiguousarray)`,
        );
    }
    const shape = shapeText
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part.length > 0)
        .map((part) => Number(part));
    if (shape.some((size) => !Number.isInteger(size) || size < 0)) {
        throw new NpyError(`${source} has an invalid shape (${shapeText})`);
    }
    const count = shape.reduce((product, size) => product * size, 1);
    const width = dtype === 'f32' ? 4 : 8;
    const expected = count * width;
    const available = bytes.length - dataStart;
    if (available < expected) {
        throw new NpyError(
            `${source} is truncated: shape [${shape.join(', ')}] needs ${expected} bytes of ` +
                `data, the file has ${available}`,
        );
    }
    if (available > expected) {
        throw new NpyError(
            `${source} has extra bytes after its data: shape [${shape.join(', ')}] expects ` +
                `${expected} bytes of data, found ${available}`,
        );
    }
    // Copy (a Node Buffer's slice is a view into a shared pool) so that the array is aligned and
    // owns exactly its data.
    const copy = new ArrayBuffer(expected);
    new Uint8Array(copy).set(bytes.subarray(dataStart, dataStart + expected));
    const data = dtype === 'f32' ? new Float32Array(copy) : new Float64Array(copy);
    return { dtype, shape, data };
}

export function serializeNpy(array: NpyArray): Uint8Array {
    const descr = array.dtype === 'f32' ? '<f4' : '<f8';
    const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
    // The header, with its 10 leading bytes and the final newline, fills a multiple of 64 bytes.
    const padding = 64 - ((10 + header.length + 1) % 64);
    header = header + ' '.repeat(padding % 64) + '\n';
    const headerBytes = new TextEncoder().encode(header);
    const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
    const out = new Uint8Array(10 + headerBytes.length + data.length);
    out.set(MAGIC, 0);
    out[6] = 1;
    out[7] = 0;
    new DataView(out.buffer).setUint16(8, headerBytes.length, true);
    out.set(headerBytes, 10);
    out.set(data, 10 + headerBytes.length);
    return out;
}
