/**
 * The tensor network IR: the one shape of a statement that the cost model, the diagram and the
 * runtime all see, whether a convolution was written out in index notation or called as a built-in.
 *
 * An equation becomes a `Network`: one or more `Term`s, each a scale times a product of `Operand`s
 * that share named indices. An index is a hyperedge: every operand that carries it, and the output
 * if it keeps it. Index patterns (Π) stay structured (`PatternSpec`), never dense arrays.
 */

export type DType = 'f16' | 'f32' | 'f64';

export const BYTES_PER_ELEMENT: Record<DType, number> = { f16: 2, f32: 4, f64: 8 };

/** 0-based line and UTF-16 character, as in LSP. */
export interface Position {
    line: number;
    character: number;
}

export interface Range {
    start: Position;
    end: Position;
}

/**
 * The index pattern of a convolution along one spatial dimension: a binary tensor of shape
 * `[input, output, kernel]` with `P[i, o, k] = 1` exactly when `i = stride * o + dilation * k - padLeft`
 * (0-based). A transposed convolution uses the pattern of the convolution it transposes.
 */
export interface PatternSpec {
    input: number;
    output: number;
    kernel: number;
    stride: number;
    dilation: number;
    padLeft: number;
    padRight: number;
}

/** What an operand's values are: a named tensor (declared, or defined by an earlier equation) or a pattern. */
export type OperandSource =
    | { kind: 'tensor'; tensor: string }
    | { kind: 'pattern'; pattern: PatternSpec; patternName?: string };

export interface Operand {
    /** Display name: the tensor's or the pattern's name (built-ins name their patterns `Π_h`, ...). */
    name: string;
    source: OperandSource;
    /** Index names per stored axis; a grouped axis `(c, i, j)` lists its parts, row-major. */
    axes: string[][];
    /** `axes` flattened: the operand viewed with each grouped axis split into its parts. */
    indices: string[];
    dtype: DType;
    /** Where the factor is written; for an expanded built-in, the call. */
    range?: Range;
    /**
     * Only in networks rewritten by `network/simplify.ts`, which may also merge adjacent stored
     * axes: there an operand reads its stored tensor row-major through `axes`, and a part named
     * here covers `sizes[index]` positions from `start` of a stored part `extent` long.
     */
    slices?: AxisSlice[];
}

export interface AxisSlice {
    index: string;
    start: number;
    extent: number;
}

export interface Term {
    /** The product of the term's scale factors (1 when it has none; -1 for a subtracted term). */
    scale: number;
    /** The tensor factors in written order: the operand list that a linear contraction path indexes. */
    operands: Operand[];
    /** The network's output indices that this term carries, in output order; it is broadcast over the rest. */
    output: string[];
    range?: Range;
}

export interface Network {
    /** The name the equation defines. */
    name: string;
    /** The size of every index of the statement. */
    sizes: Record<string, number>;
    output: {
        /** Index names per stored axis of the result; a grouped axis lists its parts. */
        axes: string[][];
        indices: string[];
        dtype: DType;
    };
    terms: Term[];
}

/** The size of each flattened index of an operand (or of any list of indices). */
export function indexShape(sizes: Record<string, number>, indices: readonly string[]): number[] {
    return indices.map((index) => sizes[index] ?? 0);
}

/** The stored shape: each axis the product of its parts' sizes. */
export function axesShape(sizes: Record<string, number>, axes: readonly string[][]): number[] {
    return axes.map((parts) => parts.reduce((product, index) => product * (sizes[index] ?? 0), 1));
}

export function elementCount(shape: readonly number[]): number {
    return shape.reduce((product, size) => product * size, 1);
}

/** The output size of a convolution along one dimension; below 1 means the kernel does not fit. */
export function convOutputSize(
    input: number,
    kernel: number,
    stride: number,
    dilation: number,
    padLeft: number,
    padRight: number,
): number {
    return Math.floor((input + padLeft + padRight - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The number of non-zeros of a pattern: the (o, k) pairs whose input position lies inside the input. */
export function patternNonZeros(p: PatternSpec): number {
    let count = 0;
    for (let o = 0; o < p.output; o++) {
        for (let k = 0; k < p.kernel; k++) {
            const i = p.stride * o + p.dilation * k - p.padLeft;
            if (i >= 0 && i < p.input) count++;
        }
    }
    return count;
}
