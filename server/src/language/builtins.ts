/**
 * The convolution built-ins (`conv`, `conv_transpose`, `unfold`, `kfc`, `kfac_reduce`) expanded into
 * the network that the same operation written out in index notation gives, for any number of
 * spatial dimensions, with the groups as an index `g`.
 */
import type { DType, Network, Operand, PatternSpec, Range, Term } from '../network/ir';
import type { Argument, Call, Expression } from './ast';
import type { Signature } from './arguments';
import { bindArguments } from './arguments';
import { Context, formatShape, type Entity } from './context';
import { convolutionPatterns, perDimension } from './convolution';
import { evaluateInteger } from './evaluate';
import type { IndexInfo } from './model';

export interface BuiltinResult {
    network?: Network;
    indices: IndexInfo[];
}

export interface TensorArgument {
    name: string;
    entity: Entity;
    shape: number[];
    dtype: DType;
    range: Range;
}

const HYPER = ['stride', 'padding', 'dilation'];

export const CONVOLUTION_SIGNATURES: Record<string, Signature> = {
    conv: { name: 'conv', parameters: ['X', 'W', ...HYPER, 'groups'], required: ['X', 'W'] },
    conv_transpose: {
        name: 'conv_transpose',
        parameters: ['X', 'W', 'stride', 'padding', 'output_padding', 'dilation', 'groups'],
        required: ['X', 'W'],
    },
    unfold: { name: 'unfold', parameters: ['X', 'kernel', ...HYPER], required: ['X', 'kernel'] },
    kfc: {
        name: 'kfc',
        parameters: ['X', 'kernel', ...HYPER, 'groups'],
        required: ['X', 'kernel'],
    },
    kfac_reduce: {
        name: 'kfac_reduce',
        parameters: ['X', 'kernel', ...HYPER, 'groups'],
        required: ['X', 'kernel'],
    },
};

/** Resolves an argument that must name a tensor (declared, defined, or a pattern) of known shape. */
export function tensorArgument(
    context: Context,
    expression: Expression,
    role: string,
): TensorArgument | undefined {
    if (expression.kind !== 'name') {
        context.error('E007', `${role} must be the name of a tensor`, expression.range);
        return undefined;
    }
    const entity = context.resolve(expression, 'tensor');
    if (entity === undefined) return undefined;
    if (entity.symbol.kind === 'size') {
        context.error(
            'E007',
            `\`${expression.name}\` is a size, but ${role} must be a tensor`,
            expression.range,
        );
        return undefined;
    }
    if (entity.symbol.shape === undefined) return undefined;
    return {
        name: expression.name,
        entity,
        shape: entity.symbol.shape,
        dtype: entity.symbol.kind === 'pattern' ? 'f32' : (entity.symbol.dtype ?? 'f32'),
        range: expression.range,
    };
}

/** Readable index names per spatial dimension: `i`, `o`, `k` in 1d, `i1`, `i2`, ... beyond. */
function spatialNames(dimensions: number, letter: string, suffix = ''): string[] {
    return Array.from({ length: dimensions }, (_, d) =>
        dimensions === 1 ? `${letter}${suffix}` : `${letter}${d + 1}${suffix}`,
    );
}

function patternName(dimensions: number, d: number): string {
    return dimensions === 1 ? 'Π' : `Π_${d + 1}`;
}

function dimensionName(dimensions: number): (d: number) => string {
    return (d) => (dimensions === 1 ? '' : ` in spatial dimension ${d + 1}`);
}

function operand(
    name: string,
    source: Operand['source'],
    axes: string[][],
    dtype: DType,
    range: Range,
): Operand {
    return { name, source, axes, indices: axes.flat(), dtype, range };
}

function tensorOperand(argument: TensorArgument, axes: string[][], range: Range): Operand {
    const symbol = argument.entity.symbol;
    const source: Operand['source'] =
        symbol.kind === 'pattern'
            ? { kind: 'pattern', pattern: symbol.pattern!, patternName: symbol.name }
            : { kind: 'tensor', tensor: symbol.name };
    return operand(argument.name, source, axes, argument.dtype, range);
}

function patternOperands(
    patterns: PatternSpec[],
    inputs: string[],
    outputs: string[],
    kernels: string[],
    dtype: DType,
    range: Range,
): Operand[] {
    return patterns.map((pattern, d) =>
        operand(
            patternName(patterns.length, d),
            { kind: 'pattern', pattern },
            [[inputs[d]!], [outputs[d]!], [kernels[d]!]],
            dtype,
            range,
        ),
    );
}

/** Assembles a network: each term carries the output indices its operands hold. */
export function assemble(
    name: string,
    sizes: Record<string, number>,
    outputAxes: string[][],
    dtype: DType,
    terms: { scale: number; operands: Operand[] }[],
    range: Range,
): Network {
    const indices = outputAxes.flat();
    const built: Term[] = terms.map((term) => {
        const used = new Set(term.operands.flatMap((item) => item.indices));
        return {
            scale: term.scale,
            operands: term.operands,
            output: indices.filter((index) => used.has(index)),
            range,
        };
    });
    return { name, sizes, output: { axes: outputAxes, indices, dtype }, terms: built };
}

/** Index information for a network written as one call: every index is fixed by the call. */
export function callIndices(network: Network, call: Call): IndexInfo[] {
    const output = new Set(network.output.indices);
    return Object.entries(network.sizes).map(([name, size]) => ({
        name,
        size,
        occurrences: [],
        sizeFrom: call.callee.range,
        sizeReason: `the expansion of \`${call.callee.name}\``,
        summed: !output.has(name),
    }));
}

function readGroups(
    context: Context,
    argument: Argument | undefined,
    channels: { count: number; what: string }[],
): number | undefined {
    if (argument === undefined) return 1;
    const groups = evaluateInteger(context, argument.value);
    if (groups === undefined) return undefined;
    const divides = (candidate: number) =>
        channels.every((channel) => channel.count % candidate === 0);
    if (groups >= 1 && divides(groups)) return groups;
    let nearest = 1;
    const limit = Math.max(...channels.map((channel) => channel.count));
    for (let candidate = 1; candidate <= limit; candidate++) {
        if (divides(candidate) && Math.abs(candidate - groups) < Math.abs(nearest - groups)) {
            nearest = candidate;
        }
    }
    const why =
        groups < 1
            ? `groups must be at least 1, but is ${groups}`
            : `groups=${groups} does not divide ${channels
                  .filter((channel) => channel.count % groups !== 0)
                  .map((channel) => `the ${channel.what} (${channel.count})`)
                  .join(' and ')}`;
    context.error('E007', why, argument.value.range, { data: { groups: nearest } });
    return undefined;
}

function rankError(context: Context, argument: TensorArgument, message: string): undefined {
    context.error(
        'E003',
        `\`${argument.name}\` has ${argument.shape.length} axes ${formatShape(argument.shape)}, but ${message}`,
        argument.range,
    );
    return undefined;
}

/** `conv` and `conv_transpose`: `Y[n, (g, d), o...] = X[n, (g, c), i...] * Π...[i, o, k] * W[...]`. */
export function expandConvolution(
    context: Context,
    name: string,
    call: Call,
    transpose: boolean,
): BuiltinResult {
    const signature = CONVOLUTION_SIGNATURES[transpose ? 'conv_transpose' : 'conv']!;
    const bound = bindArguments(context, call, signature);
    if (bound === undefined) return { indices: [] };
    const x = tensorArgument(context, bound.get('X')!.value, 'the input');
    const w = tensorArgument(context, bound.get('W')!.value, 'the weight');
    if (x === undefined || w === undefined) return { indices: [] };
    const callee = call.callee.name;
    if (x.shape.length < 3) {
        return (
            rankError(
                context,
                x,
                `\`${callee}\` needs an input [N, C, *spatial] with at least one spatial axis`,
            ) ?? { indices: [] }
        );
    }
    const dimensions = x.shape.length - 2;
    if (w.shape.length !== x.shape.length) {
        const layout = transpose
            ? '[C_in, C_out/groups, *kernel]'
            : '[C_out, C_in/groups, *kernel]';
        rankError(
            context,
            w,
            `a weight ${layout} for ${dimensions} spatial ${dimensions === 1 ? 'dimension' : 'dimensions'} has ${x.shape.length}`,
        );
        return { indices: [] };
    }
    const inChannels = x.shape[1]!;
    const groups = readGroups(
        context,
        bound.get('groups'),
        transpose
            ? [{ count: inChannels, what: 'input channels' }]
            : [
                  { count: inChannels, what: 'input channels' },
                  { count: w.shape[0]!, what: 'output channels' },
              ],
    );
    if (groups === undefined) return { indices: [] };
    // The weight's channel axis that must match the input: axis 1 for conv, axis 0 for conv_transpose.
    const channelAxis = transpose ? 0 : 1;
    const expected = transpose ? inChannels : inChannels / groups;
    if (w.shape[channelAxis] !== expected) {
        const perGroup = groups > 1 && !transpose;
        const where = perGroup
            ? ` (axis 1, ${inChannels} channels / groups ${groups})`
            : ', axis 1';
        context.error(
            'E004',
            `index \`c\` (input channels${perGroup ? ' per group' : ''}) is ${expected} in \`${x.name}\`${where}, but ${w.shape[channelAxis]} in \`${w.name}\`, axis ${channelAxis}`,
            w.range,
            {
                related: [{ message: `\`${x.name}\` has ${inChannels} channels`, range: x.range }],
                data: { index: 'c', sizes: [expected, w.shape[channelAxis]] },
            },
        );
        return { indices: [] };
    }
    const spatialSizes = x.shape.slice(2);
    const kernels = w.shape.slice(2);
    const patterns = convolutionPatterns(context, {
        sizes: spatialSizes,
        kernels,
        stride: bound.get('stride'),
        padding: bound.get('padding'),
        dilation: bound.get('dilation'),
        outputPadding: bound.get('output_padding'),
        transpose,
        callRange: call.range,
        dimensionName: dimensionName(dimensions),
    });
    if (patterns === undefined) return { indices: [] };

    const i = spatialNames(dimensions, 'i');
    const o = spatialNames(dimensions, 'o');
    const k = spatialNames(dimensions, 'k');
    const outChannels = transpose ? w.shape[1]! * groups : w.shape[0]!;
    const sizes: Record<string, number> = { n: x.shape[0]! };
    if (groups > 1) sizes.g = groups;
    sizes.c = inChannels / groups;
    sizes.d = outChannels / groups;
    patterns.forEach((pattern, d) => {
        sizes[i[d]!] = pattern.input;
        sizes[o[d]!] = pattern.output;
        sizes[k[d]!] = pattern.kernel;
    });
    const channel = (index: string) => (groups > 1 ? ['g', index] : [index]);
    const dtype = Context.promote([x.dtype, w.dtype]);
    // In a transposed convolution the input runs over the pattern's output axis and vice versa.
    const xSpatial = transpose ? o : i;
    const ySpatial = transpose ? i : o;
    const operands = [
        tensorOperand(x, [['n'], channel('c'), ...xSpatial.map((index) => [index])], call.range),
        ...patternOperands(patterns, i, o, k, dtype, call.range),
        tensorOperand(
            w,
            transpose
                ? [channel('c'), ['d'], ...k.map((index) => [index])]
                : [channel('d'), ['c'], ...k.map((index) => [index])],
            call.range,
        ),
    ];
    const outputAxes = [['n'], channel('d'), ...ySpatial.map((index) => [index])];
    const network = assemble(name, sizes, outputAxes, dtype, [{ scale: 1, operands }], call.range);
    return { network, indices: callIndices(network, call) };
}

/** `unfold`, `kfc` and `kfac_reduce`: the unfolded input and the two Kronecker factors built on it. */
export function expandUnfolding(
    context: Context,
    name: string,
    call: Call,
    kind: 'unfold' | 'kfc' | 'kfac_reduce',
): BuiltinResult {
    const bound = bindArguments(context, call, CONVOLUTION_SIGNATURES[kind]!);
    if (bound === undefined) return { indices: [] };
    const x = tensorArgument(context, bound.get('X')!.value, 'the input');
    if (x === undefined) return { indices: [] };
    if (x.shape.length < 3) {
        return (
            rankError(
                context,
                x,
                `\`${kind}\` needs an input [N, C, *spatial] with at least one spatial axis`,
            ) ?? { indices: [] }
        );
    }
    const dimensions = x.shape.length - 2;
    const kernelEntries = perDimension(context, bound.get('kernel'), 'kernel', dimensions, 1);
    if (kernelEntries === undefined) return { indices: [] };
    const badKernel = kernelEntries.find((entry) => entry.value < 1);
    if (badKernel !== undefined) {
        context.error(
            'E007',
            `kernel must be at least 1, but is ${badKernel.value}`,
            badKernel.range,
            {
                data: { kernel: 1 },
            },
        );
        return { indices: [] };
    }
    const channels = x.shape[1]!;
    const groups =
        kind === 'unfold'
            ? 1
            : readGroups(context, bound.get('groups'), [
                  { count: channels, what: 'input channels' },
              ]);
    if (groups === undefined) return { indices: [] };
    const patterns = convolutionPatterns(context, {
        sizes: x.shape.slice(2),
        kernels: kernelEntries.map((entry) => entry.value),
        stride: bound.get('stride'),
        padding: bound.get('padding'),
        dilation: bound.get('dilation'),
        transpose: false,
        callRange: call.range,
        dimensionName: dimensionName(dimensions),
    });
    if (patterns === undefined) return { indices: [] };

    const sizes: Record<string, number> = { n: x.shape[0]! };
    const copy = (suffix: string, shareOutputs: boolean) => {
        const i = spatialNames(dimensions, 'i', suffix);
        const o = spatialNames(dimensions, 'o', shareOutputs ? '' : suffix);
        const k = spatialNames(dimensions, 'k', suffix);
        const c = `c${suffix}`;
        sizes[c] = channels / groups;
        patterns.forEach((pattern, d) => {
            sizes[i[d]!] = pattern.input;
            sizes[o[d]!] = pattern.output;
            sizes[k[d]!] = pattern.kernel;
        });
        return { i, o, k, c };
    };
    const dtype = x.dtype;
    if (kind === 'unfold') {
        const { i, o, k, c } = copy('', true);
        const operands = [
            tensorOperand(x, [['n'], [c], ...i.map((index) => [index])], call.range),
            ...patternOperands(patterns, i, o, k, dtype, call.range),
        ];
        const network = assemble(
            name,
            sizes,
            [['n'], [c, ...k], o],
            dtype,
            [{ scale: 1, operands }],
            call.range,
        );
        return { network, indices: callIndices(network, call) };
    }
    sizes.g = groups;
    const shared = kind === 'kfc';
    const first = copy('', true);
    const second = copy("'", shared);
    const side = (names: typeof first) => [
        tensorOperand(x, [['n'], ['g', names.c], ...names.i.map((index) => [index])], call.range),
        ...patternOperands(patterns, names.i, names.o, names.k, dtype, call.range),
    ];
    const outputs = patterns.reduce((product, pattern) => product * pattern.output, 1);
    const batch = x.shape[0]!;
    const scale = shared ? 1 / batch : 1 / (batch * outputs * outputs);
    const network = assemble(
        name,
        sizes,
        [['g'], [first.c, ...first.k], [second.c, ...second.k]],
        dtype,
        [{ scale, operands: [...side(first), ...side(second)] }],
        call.range,
    );
    return { network, indices: callIndices(network, call) };
}
