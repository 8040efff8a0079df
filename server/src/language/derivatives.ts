/**
 * `vjp` and `jvp`: the derivative networks of a statement with respect to one of its operands, by
 * the product rule (one term per use of the operand), for any network, written out or expanded.
 */
import type { Network, Operand, Term } from '../network/ir';
import type { Call } from './ast';
import { bindArguments } from './arguments';
import { callIndices, tensorArgument, type BuiltinResult, type TensorArgument } from './builtins';
import { formatShape, type Context } from './context';

function usesOf(term: Term, name: string): number[] {
    const positions: number[] = [];
    term.operands.forEach((operand, position) => {
        const source = operand.source;
        if (
            (source.kind === 'tensor' && source.tensor === name) ||
            (source.kind === 'pattern' && source.patternName === name)
        ) {
            positions.push(position);
        }
    });
    return positions;
}

/** Checks that `v` has `shape`; E003 for the wrong rank, E004 for a wrong size. */
function checkShaped(
    context: Context,
    v: TensorArgument,
    shape: readonly number[],
    like: TensorArgument,
): boolean {
    if (v.shape.length !== shape.length) {
        context.error(
            'E003',
            `\`${v.name}\` has ${v.shape.length} axes ${formatShape(v.shape)}, but must be shaped like \`${like.name}\` ${formatShape(shape)}`,
            v.range,
        );
        return false;
    }
    const axis = v.shape.findIndex((size, position) => size !== shape[position]);
    if (axis >= 0) {
        context.error(
            'E004',
            `\`${v.name}\` is ${formatShape(v.shape)} but must be shaped like \`${like.name}\` ${formatShape(shape)}: axis ${axis} is ${v.shape[axis]} instead of ${shape[axis]}`,
            v.range,
            {
                related: [
                    { message: `\`${like.name}\` is ${formatShape(shape)}`, range: like.range },
                ],
                data: { axis, sizes: [shape[axis], v.shape[axis]] },
            },
        );
        return false;
    }
    return true;
}

function fresh(base: string, taken: Set<string>): string {
    let name = `${base}'`;
    while (taken.has(name)) name += "'";
    taken.add(name);
    return name;
}

function renamed(operand: Operand, map: Map<string, string>): Operand {
    const axes = operand.axes.map((parts) => parts.map((index) => map.get(index) ?? index));
    return { ...operand, axes, indices: axes.flat() };
}

export function expandDerivative(
    context: Context,
    name: string,
    call: Call,
    kind: 'vjp' | 'jvp',
): BuiltinResult {
    const bound = bindArguments(context, call, {
        name: kind,
        parameters: ['Y', 'X', 'V'],
        required: ['Y', 'X', 'V'],
    });
    if (bound === undefined) return { indices: [] };
    const y = tensorArgument(context, bound.get('Y')!.value, 'the differentiated tensor');
    const x = tensorArgument(context, bound.get('X')!.value, 'the variable');
    const v = tensorArgument(
        context,
        bound.get('V')!.value,
        `the ${kind === 'vjp' ? 'cotangent' : 'tangent'}`,
    );
    if (y === undefined || x === undefined || v === undefined) return { indices: [] };
    const network = y.entity.network;
    if (y.entity.symbol.kind !== 'equation' || network === undefined) {
        context.error(
            'E007',
            `\`${y.name}\` is an input; \`${kind}\` needs a tensor defined by an equation or a call`,
            y.range,
        );
        return { indices: [] };
    }
    if (!network.terms.some((term) => usesOf(term, x.name).length > 0)) {
        context.error(
            'E007',
            `\`${x.name}\` is not an operand of the statement that defines \`${y.name}\``,
            x.range,
        );
        return { indices: [] };
    }
    const expected = kind === 'vjp' ? y.shape : x.shape;
    if (!checkShaped(context, v, expected, kind === 'vjp' ? y : x)) return { indices: [] };
    const result =
        kind === 'vjp' ? vjpNetwork(context, name, network, x, v) : jvpNetwork(name, network, x, v);
    if (result === undefined) return { indices: [] };
    return { network: result, indices: callIndices(result, call) };
}

function vOperand(v: TensorArgument, axes: string[][], template: Operand): Operand {
    return {
        name: v.name,
        source: { kind: 'tensor', tensor: v.entity.symbol.name },
        axes,
        indices: axes.flat(),
        dtype: v.dtype,
        ...(template.range === undefined ? {} : { range: template.range }),
    };
}

function jvpNetwork(name: string, network: Network, x: TensorArgument, v: TensorArgument): Network {
    const terms: Term[] = [];
    for (const term of network.terms) {
        for (const position of usesOf(term, x.name)) {
            const use = term.operands[position]!;
            const operands = term.operands.map((item, at) =>
                at === position ? vOperand(v, use.axes, use) : item,
            );
            terms.push({ ...term, operands });
        }
    }
    return { ...network, name, terms };
}

function vjpNetwork(
    context: Context,
    name: string,
    network: Network,
    x: TensorArgument,
    v: TensorArgument,
): Network | undefined {
    const firstUse = network.terms
        .map((term) => usesOf(term, x.name).map((position) => term.operands[position]!))
        .flat()[0]!;
    const canonical = firstUse.axes;
    const canonicalIndices = canonical.flat();
    const sizes = { ...network.sizes };
    const taken = new Set(Object.keys(sizes));
    const terms: Term[] = [];
    for (const term of network.terms) {
        for (const position of usesOf(term, x.name)) {
            const use = term.operands[position]!;
            // FIXME: a use with a repeated index (a diagonal) or grouped differently from the first
            // use has a gradient that this IR cannot state as one output; it is reported instead.
            const sameLayout =
                use.axes.length === canonical.length &&
                use.axes.every((parts, axis) => parts.length === canonical[axis]!.length) &&
                new Set(use.indices).size === use.indices.length &&
                use.indices.every((index, at) => sizes[index] === sizes[canonicalIndices[at]!]);
            if (!sameLayout) {
                context.error(
                    'E007',
                    `\`vjp\` with respect to \`${x.name}\` needs every use of \`${x.name}\` written with distinct indices and the same axis grouping`,
                    x.range,
                );
                return undefined;
            }
            const map = new Map<string, string>();
            use.indices.forEach((index, at) => map.set(index, canonicalIndices[at]!));
            const targets = new Set(map.values());
            const others = new Set(term.operands.flatMap((item) => item.indices));
            for (const index of network.output.indices) others.add(index);
            for (const index of others) {
                if (map.has(index) || !targets.has(index)) continue;
                const replacement = fresh(index, taken);
                sizes[replacement] = sizes[index]!;
                map.set(index, replacement);
            }
            const operands = term.operands
                .filter((_, at) => at !== position)
                .map((item) => renamed(item, map));
            const incoming = renamed(vOperand(v, network.output.axes, use), map);
            operands.push(incoming);
            const used = new Set(operands.flatMap((item) => item.indices));
            terms.push({
                scale: term.scale,
                operands,
                output: canonicalIndices.filter((index) => used.has(index)),
                ...(term.range === undefined ? {} : { range: term.range }),
            });
        }
    }
    return {
        name,
        sizes,
        output: { axes: canonical, indices: canonicalIndices, dtype: x.dtype },
        terms,
    };
}
