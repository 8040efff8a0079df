/** IEEE half-precision conversion for f16 buffers (Node 20 has no Float16Array). */

const floatView = new Float32Array(1);
const intView = new Uint32Array(floatView.buffer);

/** Rounds to nearest even; overflow becomes infinity, tiny values become subnormals or zero. */
export function toHalf(value: number): number {
    floatView[0] = value;
    const bits = intView[0]!;
    const sign = (bits >>> 16) & 0x8000;
    const exponent = (bits >>> 23) & 0xff;
    let mantissa = bits & 0x7fffff;
    if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
    const half = exponent - 127 + 15;
    if (half >= 0x1f) return sign | 0x7c00;
    if (half <= 0) {
        if (half < -10) return sign;
        mantissa |= 0x800000;
        const shift = 14 - half;
        const base = mantissa >>> shift;
        const remainder = mantissa & ((1 << shift) - 1);
        const halfway = 1 << (shift - 1);
        const rounded =
            remainder > halfway || (remainder === halfway && (base & 1) === 1) ? base + 1 : base;
        return sign | rounded;
    }
    const lower = mantissa & 0x1fff;
    let result = sign | (half << 10) | (mantissa >>> 13);
    if (lower > 0x1000 || (lower === 0x1000 && (result & 1) === 1)) result++;
    return result;
}

export function fromHalf(bits: number): number {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >>> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    if (exponent === 0) return sign * mantissa * 2 ** -24;
    if (exponent === 0x1f) return mantissa !== 0 ? NaN : sign * Infinity;
    return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

export function encodeHalf(values: ArrayLike<number>): Uint16Array {
    const out = new Uint16Array(values.length);
    for (let at = 0; at < values.length; at++) out[at] = toHalf(values[at]!);
    return out;
}

export function decodeHalf(words: Uint16Array, length = words.length): Float32Array {
    const out = new Float32Array(length);
    for (let at = 0; at < length; at++) out[at] = fromHalf(words[at]!);
    return out;
}

let halves: Float32Array | undefined;

/** Rounds each value to the nearest half-precision value in place: f16 kept in f32 storage. */
export function roundToHalf(values: Float32Array | Float64Array): void {
    halves ??= decodeHalf(Uint16Array.from({ length: 0x10000 }, (_, bits) => bits));
    for (let at = 0; at < values.length; at++) values[at] = halves[toHalf(values[at]!)]!;
}
