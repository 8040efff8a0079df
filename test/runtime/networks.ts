// Hand-built networks of the built-ins (conv, conv_transpose, unfold, kfc, kfac_reduce, the VJPs)
// in any number of dimensions, and references for them written from their defining sums.
import type { Network, Operand, PatternSpec } from '../../server/src/network/ir';
import { convOutputSize } from '../../server/src/network/ir';

export interface ConvCase {
    x: number[];
    /** Weight shape `[C_out, C_in/groups, *kernel]`; for unfold and KFC only the kernel is used. */
    w: number[];
    stride?: number[];
    padding?: [number, number][];
    dilation?: number[];
    groups?: number;
}

export interface Geometry {
    n: number;
    groups: number;
    cPerGroup: number;
    dPerGroup: number;
    input: number[];
    kernel: number[];
    output: number[];
    patterns: PatternSpec[];
}

export function geometry(c: ConvCase): Geometry {
    const dims = c.x.length - 2;
    const groups = c.groups ?? 1;
    const stride = c.stride ?? new Array<number>(dims).fill(1);
    const dilation = c.dilation ?? new Array<number>(dims).fill(1);
    const padding = c.padding ?? new Array<[number, number]>(dims).fill([0, 0]);
    const input = c.x.slice(2);
    const kernel = c.w.slice(2);
    const patterns = input.map((size, axis) => {
        const [padLeft, padRight] = padding[axis]!;
        return {
            input: size,
            kernel: kernel[axis]!,
            stride: stride[axis]!,
            dilation: dilation[axis]!,
            padLeft,
            padRight,
            output: convOutputSize(
                size,
                kernel[axis]!,
                stride[axis]!,
                dilation[axis]!,
                padLeft,
                padRight,
            ),
        };
    });
    return {
        n: c.x[0]!,
        groups,
        cPerGroup: c.x[1]! / groups,
        dPerGroup: c.w[0]! / groups,
        input,
        kernel,
        output: patterns.map((pattern) => pattern.output),
        patterns,
    };
}

function tensor(name: string, axes: string[][]): Operand {
    return {
        name,
        source: { kind: 'tensor', tensor: name },
        axes,
        indices: axes.flat(),
        dtype: 'f32',
    };
}

function pattern(name: string, spec: PatternSpec, indices: [string, string, string]): Operand {
    return {
        name,
        source: { kind: 'pattern', pattern: spec },
        axes: indices.map((index) => [index]),
        indices: [...indices],
        dtype: 'f32',
    };
}

function network(
    name: string,
    sizes: Record<string, number>,
    axes: string[][],
    terms: Network['terms'],
): Network {
    return { name, sizes, output: { axes, indices: axes.flat(), dtype: 'f32' }, terms };
}

function baseSizes(g: Geometry, suffix = ''): Record<string, number> {
    const sizes: Record<string, number> = { n: g.n, g: g.groups, c: g.cPerGroup, d: g.dPerGroup };
    g.input.forEach((size, axis) => {
        sizes[`h${axis}${suffix}`] = size;
        sizes[`o${axis}${suffix}`] = g.output[axis]!;
        sizes[`k${axis}${suffix}`] = g.kernel[axis]!;
    });
    return sizes;
}

const spatial = (g: Geometry, letter: string, suffix = ''): string[] =>
    g.input.map((_, axis) => `${letter}${axis}${suffix}`);

function patterns(g: Geometry, suffix = ''): Operand[] {
    return g.patterns.map((spec, axis) =>
        pattern(`Π${axis}${suffix}`, spec, [
            `h${axis}${suffix}`,
            `o${axis}${suffix}`,
            `k${axis}${suffix}`,
        ]),
    );
}

/** `Y[n, (g,d), *o] = X[n, (g,c), *h] · Π[h, o, k]… · W[(g,d), c, *k]`. */
export function convNetwork(c: ConvCase): Network {
    const g = geometry(c);
    const x = tensor('X', [['n'], ['g', 'c'], ...spatial(g, 'h').map((i) => [i])]);
    const w = tensor('W', [['g', 'd'], ['c'], ...spatial(g, 'k').map((i) => [i])]);
    const output = [['n'], ['g', 'd'], ...spatial(g, 'o').map((i) => [i])];
    return network('Y', baseSizes(g), output, [
        { scale: 1, operands: [x, ...patterns(g), w], output: output.flat() },
    ]);
}

/** The VJP of the convolution with respect to X: `V[n, (g,d), *o] · Π… · W[(g,d), c, *k]`. */
export function convVjpXNetwork(c: ConvCase): Network {
    const g = geometry(c);
    const v = tensor('V', [['n'], ['g', 'd'], ...spatial(g, 'o').map((i) => [i])]);
    const w = tensor('W', [['g', 'd'], ['c'], ...spatial(g, 'k').map((i) => [i])]);
    const output = [['n'], ['g', 'c'], ...spatial(g, 'h').map((i) => [i])];
    return network('GX', baseSizes(g), output, [
        { scale: 1, operands: [v, ...patterns(g), w], output: output.flat() },
    ]);
}

/** The VJP of the convolution with respect to W: `V[n, (g,d), *o] · X[n, (g,c), *h] · Π…`. */
export function convVjpWNetwork(c: ConvCase): Network {
    const g = geometry(c);
    const v = tensor('V', [['n'], ['g', 'd'], ...spatial(g, 'o').map((i) => [i])]);
    const x = tensor('X', [['n'], ['g', 'c'], ...spatial(g, 'h').map((i) => [i])]);
    const output = [['g', 'd'], ['c'], ...spatial(g, 'k').map((i) => [i])];
    return network('GW', baseSizes(g), output, [
        { scale: 1, operands: [v, x, ...patterns(g)], output: output.flat() },
    ]);
}

/** `U[n, (c, *k), (*o)] = X[n, c, *h] · Π…` (torch.nn.functional.unfold's layout). */
export function unfoldNetwork(c: ConvCase): Network {
    const g = geometry({ ...c, groups: 1 });
    const x = tensor('X', [['n'], ['c'], ...spatial(g, 'h').map((i) => [i])]);
    const output = [['n'], ['c', ...spatial(g, 'k')], spatial(g, 'o')];
    const sizes = baseSizes(g);
    sizes.c = c.x[1]!;
    return network('U', sizes, output, [
        { scale: 1, operands: [x, ...patterns(g)], output: output.flat() },
    ]);
}

/** KFC (KFAC-expand) and KFAC-reduce: `[G, (c, *k), (c2, *k2)]`. */
export function kfcNetwork(c: ConvCase, reduce: boolean): Network {
    const g = geometry(c);
    const sizes = { ...baseSizes(g), ...baseSizes(g, '_') };
    sizes.c_ = g.cPerGroup;
    const second = reduce ? '_' : '';
    // KFAC-expand shares the output positions between the two copies; KFAC-reduce sums each apart.
    for (const [axis, size] of g.output.entries()) sizes[`o${axis}${second}`] = size;
    const x1 = tensor('X', [['n'], ['g', 'c'], ...spatial(g, 'h').map((i) => [i])]);
    const x2 = tensor('X', [['n'], ['g', 'c_'], ...spatial(g, 'h', '_').map((i) => [i])]);
    const p1 = patterns(g);
    const p2 = g.patterns.map((spec, axis) =>
        pattern(`Π${axis}'`, spec, [`h${axis}_`, `o${axis}${second}`, `k${axis}_`]),
    );
    const output = [['g'], ['c', ...spatial(g, 'k')], ['c_', ...spatial(g, 'k', '_')]];
    const positions = g.output.reduce((product, size) => product * size, 1);
    const scale = reduce ? 1 / (g.n * positions * positions) : 1 / g.n;
    return network(reduce ? 'R' : 'F', sizes, output, [
        { scale, operands: [x1, ...p1, x2, ...p2], output: output.flat() },
    ]);
}

// ---- references from the definitions ----

function offsets(shape: readonly number[]): number[] {
    const result = new Array<number>(shape.length).fill(1);
    for (let axis = shape.length - 2; axis >= 0; axis--)
        result[axis] = result[axis + 1]! * shape[axis + 1]!;
    return result;
}

/** Every multi-index of a shape, row-major. */
export function* multiIndices(shape: readonly number[]): Generator<number[]> {
    const total = shape.reduce((product, size) => product * size, 1);
    const index = new Array<number>(shape.length).fill(0);
    for (let count = 0; count < total; count++) {
        yield index;
        for (let axis = shape.length - 1; axis >= 0; axis--) {
            if (++index[axis]! < shape[axis]!) break;
            index[axis] = 0;
        }
    }
}

/** The input position `S*o + D*k - Pl` per spatial axis, or undefined when any lies in the padding. */
function source(g: Geometry, o: readonly number[], k: readonly number[]): number[] | undefined {
    const h: number[] = [];
    for (let axis = 0; axis < o.length; axis++) {
        const p = g.patterns[axis]!;
        const position = p.stride * o[axis]! + p.dilation * k[axis]! - p.padLeft;
        if (position < 0 || position >= p.input) return undefined;
        h.push(position);
    }
    return h;
}

function at(data: Float64Array | Float32Array, shape: number[], index: number[]): number {
    const stride = offsets(shape);
    return data[index.reduce((sum, value, axis) => sum + value * stride[axis]!, 0)]!;
}

/** Naive convolution: `Y[n, gd, o] = Σ_{c, k} X[n, g*C/G + c, S*o + D*k - P] W[gd, c, k]`. */
export function convReference(c: ConvCase, x: Float64Array, w: Float64Array): Float64Array {
    const g = geometry(c);
    const cOut = g.groups * g.dPerGroup;
    const yShape = [g.n, cOut, ...g.output];
    const y = new Float64Array(yShape.reduce((a, b) => a * b, 1));
    let out = 0;
    for (const [n, od, ...o] of multiIndices(yShape)) {
        const group = Math.floor(od! / g.dPerGroup);
        let sum = 0;
        for (let ci = 0; ci < g.cPerGroup; ci++) {
            for (const k of multiIndices(g.kernel)) {
                const h = source(g, o, k);
                if (h === undefined) continue;
                sum +=
                    at(x, c.x, [n!, group * g.cPerGroup + ci, ...h]) * at(w, c.w, [od!, ci, ...k]);
            }
        }
        y[out++] = sum;
    }
    return y;
}

/** The VJP with respect to X from its defining sum: `Σ_{d, o, k: S*o + D*k - P = h} V W`. */
export function convVjpXReference(c: ConvCase, v: Float64Array, w: Float64Array): Float64Array {
    const g = geometry(c);
    const vShape = [g.n, g.groups * g.dPerGroup, ...g.output];
    const gx = new Float64Array(c.x.reduce((a, b) => a * b, 1));
    const xStride = offsets(c.x);
    for (const [n, od, ...o] of multiIndices(vShape)) {
        const group = Math.floor(od! / g.dPerGroup);
        const incoming = at(v, vShape, [n!, od!, ...o]);
        for (let ci = 0; ci < g.cPerGroup; ci++) {
            for (const k of multiIndices(g.kernel)) {
                const h = source(g, o, k);
                if (h === undefined) continue;
                const index = [n!, group * g.cPerGroup + ci, ...h];
                gx[index.reduce((sum, value, axis) => sum + value * xStride[axis]!, 0)]! +=
                    incoming * at(w, c.w, [od!, ci, ...k]);
            }
        }
    }
    return gx;
}

/** The VJP with respect to W: `GW[gd, c, k] = Σ_{n, o} V[n, gd, o] X[n, g*C/G + c, S*o + D*k - P]`. */
export function convVjpWReference(c: ConvCase, v: Float64Array, x: Float64Array): Float64Array {
    const g = geometry(c);
    const vShape = [g.n, g.groups * g.dPerGroup, ...g.output];
    const gw = new Float64Array(c.w.reduce((a, b) => a * b, 1));
    let out = 0;
    for (const [od, ci, ...k] of multiIndices(c.w)) {
        const group = Math.floor(od! / g.dPerGroup);
        let sum = 0;
        for (let n = 0; n < g.n; n++) {
            for (const o of multiIndices(g.output)) {
                const h = source(g, o, k);
                if (h === undefined) continue;
                sum +=
                    at(v, vShape, [n, od!, ...o]) *
                    at(x, c.x, [n, group * g.cPerGroup + ci!, ...h]);
            }
        }
        gw[out++] = sum;
    }
    return gw;
}

/** torch.nn.functional.unfold for one group of channels: `[N, Cg * prod(K), prod(O)]`. */
export function unfoldReference(c: ConvCase, x: Float64Array, channels: number[]): Float64Array {
    const g = geometry(c);
    const kernelCount = g.kernel.reduce((a, b) => a * b, 1);
    const positions = g.output.reduce((a, b) => a * b, 1);
    const rows = channels.length * kernelCount;
    const u = new Float64Array(g.n * rows * positions);
    for (let n = 0; n < g.n; n++) {
        channels.forEach((channel, ci) => {
            let kk = 0;
            for (const k of multiIndices(g.kernel)) {
                let oo = 0;
                for (const o of multiIndices(g.output)) {
                    const h = source(g, o, k);
                    if (h !== undefined) {
                        u[(n * rows + ci * kernelCount + kk) * positions + oo] = at(x, c.x, [
                            n,
                            channel,
                            ...h,
                        ]);
                    }
                    oo++;
                }
                kk++;
            }
        });
    }
    return u;
}

/** KFC and KFAC-reduce by unfolding then multiplying, one group at a time. */
export function kfcReference(c: ConvCase, x: Float64Array, reduce: boolean): Float64Array {
    const g = geometry(c);
    const kernelCount = g.kernel.reduce((a, b) => a * b, 1);
    const positions = g.output.reduce((a, b) => a * b, 1);
    const rows = g.cPerGroup * kernelCount;
    const f = new Float64Array(g.groups * rows * rows);
    for (let group = 0; group < g.groups; group++) {
        const channels = Array.from({ length: g.cPerGroup }, (_, i) => group * g.cPerGroup + i);
        const u = unfoldReference(c, x, channels);
        for (let n = 0; n < g.n; n++) {
            for (let r = 0; r < rows; r++) {
                for (let s = 0; s < rows; s++) {
                    let sum = 0;
                    if (reduce) {
                        let a = 0;
                        let b = 0;
                        for (let o = 0; o < positions; o++) {
                            a += u[(n * rows + r) * positions + o]!;
                            b += u[(n * rows + s) * positions + o]!;
                        }
                        sum = a * b;
                    } else {
                        for (let o = 0; o < positions; o++) {
                            sum +=
                                u[(n * rows + r) * positions + o]! *
                                u[(n * rows + s) * positions + o]!;
                        }
                    }
                    f[(group * rows + r) * rows + s]! += sum;
                }
            }
        }
    }
    const scale = reduce ? 1 / (g.n * positions * positions) : 1 / g.n;
    return f.map((value) => value * scale);
}

/**
 * A plain einsum over dense arrays, every index combination visited: the reference for the
 * einsum cases (patterns written out densely).
 */
export function naiveNetwork(net: Network, values: Record<string, Float64Array>): Float64Array {
    const names = Object.keys(net.sizes);
    const shape = names.map((name) => net.sizes[name]!);
    const where = new Map(names.map((name, at) => [name, at]));
    const outShape = net.output.indices.map((index) => net.sizes[index]!);
    const outStride = offsets(outShape);
    const result = new Float64Array(outShape.reduce((a, b) => a * b, 1));
    for (const term of net.terms) {
        const factors = term.operands.map((operand) => {
            const strides = offsets(operand.indices.map((index) => net.sizes[index]!));
            const positions = operand.indices.map((index) => where.get(index)!);
            if (operand.source.kind === 'pattern') {
                const p = operand.source.pattern;
                return (index: number[]): number => {
                    const [i, o, k] = positions.map((position) => index[position]!) as [
                        number,
                        number,
                        number,
                    ];
                    return i === p.stride * o + p.dilation * k - p.padLeft ? 1 : 0;
                };
            }
            const data = values[operand.source.tensor]!;
            return (index: number[]): number =>
                data[
                    positions.reduce(
                        (sum, position, axis) => sum + index[position]! * strides[axis]!,
                        0,
                    )
                ]!;
        });
        const outPositions = net.output.indices.map((index) => where.get(index)!);
        const carried = new Set([
            ...term.output,
            ...term.operands.flatMap((operand) => operand.indices),
        ]);
        for (const index of multiIndices(shape)) {
            // Indices the term does not carry are only broadcast over, never summed.
            if (
                names.some(
                    (name, at) =>
                        !carried.has(name) && index[at] !== 0 && !net.output.indices.includes(name),
                )
            )
                continue;
            let product = term.scale;
            for (const factor of factors) product *= factor(index);
            if (product === 0) continue;
            result[
                outPositions.reduce(
                    (sum, position, axis) => sum + index[position]! * outStride[axis]!,
                    0,
                )
            ]! += product;
        }
    }
    return result;
}
