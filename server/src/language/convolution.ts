/**
 * Convolution hyper-parameters: reading `stride`, `padding`, `dilation` and `output_padding` per
 * spatial dimension, checking them (E006, E007) and turning them into one `PatternSpec` per dimension.
 * Pattern statements and every convolution built-in share it.
 */
import { convOutputSize, type PatternSpec, type Range } from '../network/ir';
import type { Argument } from './ast';
import type { Context } from './context';
import { evaluateValue, type Value } from './evaluate';

export interface ConvolutionRequest {
    /** Per spatial dimension: the input size, or for a transposed convolution its output size. */
    sizes: number[];
    kernels: number[];
    stride?: Argument;
    padding?: Argument;
    dilation?: Argument;
    outputPadding?: Argument;
    transpose: boolean;
    /** Where the whole call is written: the range of E006. */
    callRange: Range;
    /** How messages name dimension `d`: "dimension 2", or nothing for a single pattern. */
    dimensionName: (dimension: number) => string;
}

interface Entry {
    value: number;
    range: Range;
}

type Padding =
    { kind: 'pair'; left: number; right: number; range: Range } | { kind: 'same'; range: Range };

/** An integer or one integer per dimension. */
export function perDimension(
    context: Context,
    argument: Argument | undefined,
    name: string,
    dimensions: number,
    fallback: number,
): Entry[] | undefined {
    if (argument === undefined) {
        return Array.from({ length: dimensions }, () => ({
            value: fallback,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        }));
    }
    const value = evaluateValue(context, argument.value);
    if (value === undefined) return undefined;
    if (value.kind === 'int') return Array.from({ length: dimensions }, () => value);
    if (
        value.kind === 'tuple' &&
        value.items.length === dimensions &&
        value.items.every((item) => item.kind === 'int')
    ) {
        return value.items as Entry[];
    }
    const expected =
        dimensions === 1
            ? 'an integer'
            : `an integer or a tuple of ${dimensions} integers, one per spatial dimension`;
    context.error('E007', `\`${name}\` takes ${expected}`, value.range);
    return undefined;
}

function paddingEntry(value: Value, pairAllowed: boolean): Padding | undefined {
    if (value.kind === 'int') {
        return { kind: 'pair', left: value.value, right: value.value, range: value.range };
    }
    if (value.kind === 'string') {
        if (value.value === 'valid') return { kind: 'pair', left: 0, right: 0, range: value.range };
        if (value.value === 'same') return { kind: 'same', range: value.range };
        return undefined;
    }
    const [left, right] = value.items;
    if (pairAllowed && value.items.length === 2 && left?.kind === 'int' && right?.kind === 'int') {
        return { kind: 'pair', left: left.value, right: right.value, range: value.range };
    }
    return undefined;
}

function readPadding(
    context: Context,
    argument: Argument | undefined,
    dimensions: number,
): Padding[] | undefined {
    if (argument === undefined) {
        return Array.from({ length: dimensions }, () => ({
            kind: 'pair' as const,
            left: 0,
            right: 0,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        }));
    }
    const value = evaluateValue(context, argument.value);
    if (value === undefined) return undefined;
    const whole = paddingEntry(value, dimensions === 1);
    if (whole !== undefined) return Array.from({ length: dimensions }, () => whole);
    if (value.kind === 'tuple' && value.items.length === dimensions) {
        const entries = value.items.map((item) => paddingEntry(item, true));
        if (entries.every((entry) => entry !== undefined && entry.kind === 'pair')) {
            return entries as Padding[];
        }
    }
    const perDimension =
        dimensions === 1 ? '' : `, or a tuple of ${dimensions} of those, one per spatial dimension`;
    context.error(
        'E007',
        `\`padding\` takes an integer, a pair (left, right), "valid" or "same"${perDimension}`,
        value.range,
        { data: { padding: 0 } },
    );
    return undefined;
}

interface Misfit {
    text: string;
    dimension: number;
    /** " in spatial dimension 2", or empty for a single pattern. */
    name: string;
}

/** Dimensions that fail alike are named together: "... in spatial dimensions 1 and 2". */
function joinMisfits(misfits: Misfit[]): string {
    const groups = new Map<string, number[]>();
    for (const misfit of misfits) {
        groups.set(misfit.text, [...(groups.get(misfit.text) ?? []), misfit.dimension]);
    }
    return [...groups.entries()]
        .map(([text, dimensions]) => {
            if (misfits[0]!.name === '') return text;
            const numbers = dimensions.map((d) => String(d + 1));
            const list =
                numbers.length === 1
                    ? `dimension ${numbers[0]}`
                    : `dimensions ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
            return `${text} in spatial ${list}`;
        })
        .join('; ');
}

/** Checks the hyper-parameters and builds the patterns, or reports why not and returns undefined. */
export function convolutionPatterns(
    context: Context,
    request: ConvolutionRequest,
): PatternSpec[] | undefined {
    const dimensions = request.sizes.length;
    const strides = perDimension(context, request.stride, 'stride', dimensions, 1);
    const dilations = perDimension(context, request.dilation, 'dilation', dimensions, 1);
    const outputPaddings = perDimension(
        context,
        request.outputPadding,
        'output_padding',
        dimensions,
        0,
    );
    const paddings = readPadding(context, request.padding, dimensions);
    if (!strides || !dilations || !outputPaddings || !paddings) return undefined;

    // One diagnostic per written value, even where an integer applies to every dimension.
    let valid = true;
    const reported = new Set<Range>();
    const invalid = (range: Range, message: string, data: Record<string, unknown>) => {
        valid = false;
        if (reported.has(range)) return;
        reported.add(range);
        context.error('E007', message, range, { data });
    };
    for (let d = 0; d < dimensions; d++) {
        const where = request.dimensionName(d);
        const stride = strides[d]!;
        const dilation = dilations[d]!;
        const padding = paddings[d]!;
        const outputPadding = outputPaddings[d]!;
        if (stride.value < 1) {
            invalid(stride.range, `stride must be at least 1, but is ${stride.value}${where}`, {
                stride: 1,
            });
        }
        if (dilation.value < 1) {
            invalid(
                dilation.range,
                `dilation must be at least 1, but is ${dilation.value}${where}`,
                { dilation: 1 },
            );
        }
        if (padding.kind === 'pair' && (padding.left < 0 || padding.right < 0)) {
            invalid(
                padding.range,
                `padding must not be negative, but is (${padding.left}, ${padding.right})${where}`,
                {
                    padding:
                        Math.max(0, padding.left, padding.right) === 0
                            ? 0
                            : [Math.max(0, padding.left), Math.max(0, padding.right)],
                },
            );
        }
        if (padding.kind === 'same' && request.transpose) {
            invalid(padding.range, 'padding "same" is not available for a transposed convolution', {
                padding: 0,
            });
        } else if (padding.kind === 'same' && stride.value > 1) {
            invalid(
                padding.range,
                `padding "same" needs stride 1, but the stride is ${stride.value}${where}`,
                { stride: 1 },
            );
        }
        if (request.transpose) {
            const limit = Math.max(stride.value, dilation.value);
            if (outputPadding.value < 0 || outputPadding.value >= limit) {
                invalid(
                    outputPadding.range,
                    `output_padding must be smaller than the stride or the dilation (${limit}), but is ${outputPadding.value}${where}`,
                    { output_padding: Math.max(0, limit - 1) },
                );
            }
        }
        if (request.kernels[d]! < 1) valid = false;
    }
    if (!valid) return undefined;

    const specs: PatternSpec[] = [];
    const misfits: Misfit[] = [];
    const data: Record<string, unknown>[] = [];
    for (let d = 0; d < dimensions; d++) {
        const kernel = request.kernels[d]!;
        const stride = strides[d]!.value;
        const dilation = dilations[d]!.value;
        const padding = paddings[d]!;
        const span = dilation * (kernel - 1) + 1;
        let padLeft: number;
        let padRight: number;
        if (padding.kind === 'same') {
            padLeft = Math.floor((span - 1) / 2);
            padRight = span - 1 - padLeft;
        } else {
            padLeft = padding.left;
            padRight = padding.right;
        }
        let input: number;
        let output: number;
        if (request.transpose) {
            output = request.sizes[d]!;
            input = (output - 1) * stride - padLeft - padRight + span + outputPaddings[d]!.value;
            if (input < 1) {
                misfits.push({
                    text: `the transposed convolution's output size is ${input} ((${output} - 1) * ${stride} - ${padLeft} - ${padRight} + ${span} + ${outputPaddings[d]!.value})`,
                    dimension: d,
                    name: request.dimensionName(d),
                });
                data.push({ dimension: d, outputSize: input, padding: 0 });
                continue;
            }
        } else {
            input = request.sizes[d]!;
            output = convOutputSize(input, kernel, stride, dilation, padLeft, padRight);
            const padded = input + padLeft + padRight;
            if (output < 1) {
                misfits.push({
                    text: `the padded input is ${padded} (${input} + ${padLeft} + ${padRight}) but the kernel spans ${span} (${dilation} * (${kernel} - 1) + 1)`,
                    dimension: d,
                    name: request.dimensionName(d),
                });
                const fix: Record<string, unknown> = {
                    dimension: d,
                    paddedInput: padded,
                    kernelSpan: span,
                    padding: Math.ceil((span - input) / 2),
                    kernel: Math.floor((padded - 1) / dilation) + 1,
                };
                if (kernel > 1 && padded > kernel - 1) {
                    fix.dilation = Math.max(1, Math.floor((padded - 1) / (kernel - 1)));
                }
                data.push(fix);
                continue;
            }
        }
        specs.push({ input, output, kernel, stride, dilation, padLeft, padRight });
    }
    if (misfits.length > 0) {
        const message = request.transpose
            ? `${joinMisfits(misfits)}; it must be at least 1`
            : `the kernel does not fit: ${joinMisfits(misfits)}, so the output size would be below 1`;
        context.error('E006', message, request.callRange, {
            data: data.length === 1 ? data[0]! : { dimensions: data },
        });
        return undefined;
    }
    return specs;
}
