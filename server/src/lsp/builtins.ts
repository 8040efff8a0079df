/** The built-in calls as the editor presents them: parameters, defaults and one-line docs. */

export interface BuiltinParameter {
    name: string;
    /** Shown after the name in a signature; absent for a required positional parameter. */
    default?: string;
    doc: string;
    /** A keyword parameter, written `name=value`. */
    keyword: boolean;
}

export interface Builtin {
    name: string;
    /** Where it may stand: on the right of `pattern P =`, or of an equation `Y =`. */
    context: 'pattern' | 'equation';
    doc: string;
    parameters: BuiltinParameter[];
}

const positional = (name: string, doc: string): BuiltinParameter => ({ name, doc, keyword: false });
const keyword = (name: string, value: string | undefined, doc: string): BuiltinParameter =>
    value === undefined
        ? { name, doc, keyword: true }
        : { name, default: value, doc, keyword: true };

const STRIDE = keyword('stride', '1', 'The step between output positions: an integer or a tuple.');
const PADDING = keyword(
    'padding',
    '0',
    'Zero padding: an integer p for (p, p), a pair (left, right), "valid" or "same", or a tuple.',
);
const DILATION = keyword('dilation', '1', 'The spacing between kernel taps.');
const GROUPS = keyword('groups', '1', 'Channel groups; they must divide the channels.');
const OUTPUT_PADDING = keyword(
    'output_padding',
    '0',
    'Extra size added to one side of the output; smaller than the stride or the dilation.',
);
const KERNEL = keyword('kernel', undefined, 'The kernel size: an integer or a tuple.');
const INPUT = positional('X', 'The input, channels first: [N, C, *spatial].');

export const BUILTINS: Builtin[] = [
    {
        name: 'conv',
        context: 'pattern',
        doc: 'The index pattern Π of a convolution along one dimension, shape [in, out, kernel]: `Π[i, o, k] = 1` exactly when `i = stride * o + dilation * k - padLeft`.',
        parameters: [
            keyword('in', undefined, 'The input size.'),
            KERNEL,
            STRIDE,
            PADDING,
            DILATION,
            keyword('out', undefined, 'Optional: checked against the computed output size.'),
        ],
    },
    {
        name: 'conv_transpose',
        context: 'pattern',
        doc: 'The index pattern of the convolution whose output size is `in`, shape [I, in, kernel] with `I = (in - 1) * stride - padLeft - padRight + dilation * (kernel - 1) + 1 + output_padding`.',
        parameters: [
            keyword('in', undefined, 'The output size of the convolution it transposes.'),
            KERNEL,
            STRIDE,
            PADDING,
            OUTPUT_PADDING,
            DILATION,
        ],
    },
    {
        name: 'conv',
        context: 'equation',
        doc: 'A convolution as `torch.nn.functional.convNd`: `[N, C_out, *O]` from `X[N, C_in, *spatial]` and `W[C_out, C_in / groups, *kernel]`.',
        parameters: [
            INPUT,
            positional('W', 'The weight: [C_out, C_in / groups, *kernel].'),
            STRIDE,
            PADDING,
            DILATION,
            GROUPS,
        ],
    },
    {
        name: 'conv_transpose',
        context: 'equation',
        doc: 'A transposed convolution as `torch.nn.functional.conv_transposeNd`: `[N, C_out, *I]` from `W[C_in, C_out / groups, *kernel]`.',
        parameters: [
            INPUT,
            positional('W', 'The weight: [C_in, C_out / groups, *kernel].'),
            STRIDE,
            PADDING,
            OUTPUT_PADDING,
            DILATION,
            GROUPS,
        ],
    },
    {
        name: 'unfold',
        context: 'equation',
        doc: 'The unfolded input (im2col) as `torch.nn.functional.unfold`: `[N, C * prod(K), prod(O)]`.',
        parameters: [INPUT, KERNEL, STRIDE, PADDING, DILATION],
    },
    {
        name: 'kfc',
        context: 'equation',
        doc: "KFAC-expand's input factor `[G, C/G * prod(K), C/G * prod(K)]`: the unfolded input's outer product summed over batch and output positions, divided by N.",
        parameters: [INPUT, KERNEL, STRIDE, PADDING, DILATION, GROUPS],
    },
    {
        name: 'kfac_reduce',
        context: 'equation',
        doc: "KFAC-reduce's input factor, same shape as `kfc`: the outer product of the unfolded input summed over output positions, then over the batch, divided by `N * prod(O)^2`.",
        parameters: [INPUT, KERNEL, STRIDE, PADDING, DILATION, GROUPS],
    },
    {
        name: 'vjp',
        context: 'equation',
        doc: 'The vector-Jacobian product of the statement that defines Y, with respect to its operand X, for an incoming V shaped like Y; the result is shaped like X.',
        parameters: [
            positional('Y', 'A tensor defined by an earlier equation.'),
            positional('X', 'An operand of that equation.'),
            positional('V', 'The incoming vector, shaped like Y.'),
        ],
    },
    {
        name: 'jvp',
        context: 'equation',
        doc: 'The Jacobian-vector product: the statement that defines Y with X replaced by a tangent V shaped like X.',
        parameters: [
            positional('Y', 'A tensor defined by an earlier equation.'),
            positional('X', 'An operand of that equation.'),
            positional('V', 'The tangent, shaped like X.'),
        ],
    },
    {
        name: 'einsum',
        context: 'equation',
        doc: "NumPy's einsum: one letter per index, `->` and the output, or the implicit output; `...` for broadcast axes.",
        parameters: [
            positional('"subscripts"', 'The einsum string, such as "ij,jk->ik".'),
            positional('operands...', 'One tensor per comma-separated operand of the string.'),
        ],
    },
];

export const BUILTIN_NAMES = new Set(BUILTINS.map((builtin) => builtin.name));

export const KEYWORD_DOCS: Record<string, string> = {
    size: 'Defines integer sizes: `size N = 32, C = 16`.',
    tensor: 'Declares an input tensor: `tensor X[N, C, H, W] : f16` (the element type is optional).',
    pattern: 'Defines an index pattern: `pattern P = conv(in=H, kernel=3, stride=2, padding=1)`.',
};

export const ELEMENT_TYPES: Record<string, string> = {
    f16: 'Half precision, 2 bytes an element.',
    f32: 'Single precision, 4 bytes an element (the default).',
    f64: 'Double precision, 8 bytes an element.',
};

/** The built-in for a call: which one depends on whether it defines a pattern or a tensor. */
export function builtinFor(name: string, context: 'pattern' | 'equation'): Builtin | undefined {
    return (
        BUILTINS.find((builtin) => builtin.name === name && builtin.context === context) ??
        BUILTINS.find((builtin) => builtin.name === name)
    );
}

/** A signature line: `conv(in, kernel, stride=1, padding=0, ...)`. */
export function signatureLabel(builtin: Builtin): string {
    const parts = builtin.parameters.map((parameter) =>
        parameter.default === undefined
            ? parameter.keyword
                ? `${parameter.name}=…`
                : parameter.name
            : `${parameter.name}=${parameter.default}`,
    );
    return `${builtin.name}(${parts.join(', ')})`;
}
