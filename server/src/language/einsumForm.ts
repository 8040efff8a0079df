/**
 * The einsum form `Y = einsum("ij,jk->ik", A, B)` with NumPy's rules: explicit or implicit output,
 * `...` for broadcast axes. It builds the same network as the index form; its errors name the
 * operand, the subscripts and the axis at fault (E004, E005, E009).
 */
import type { DType, Operand, Range } from '../network/ir';
import type { Call } from './ast';
import { codePointWidth, showCharacter } from './characters';
import { assemble, tensorArgument, type BuiltinResult, type TensorArgument } from './builtins';
import { Context, formatShape } from './context';
import type { IndexInfo } from './model';

interface Label {
    /** A letter, or `...` for the broadcast axes. */
    text: string;
    range: Range;
}

interface Subscripts {
    labels: Label[];
    text: string;
    range: Range;
}

function isLetter(character: string): boolean {
    return /^[A-Za-z]$/.test(character);
}

/** The range of characters `[from, to)` of a string literal's contents, on its one line. */
function within(literal: Range, from: number, to: number): Range {
    const line = literal.start.line;
    const base = literal.start.character + 1;
    return { start: { line, character: base + from }, end: { line, character: base + to } };
}

function parseSubscripts(
    context: Context,
    spec: string,
    literal: Range,
    from: number,
    to: number,
    allowEllipsis = true,
): Subscripts | undefined {
    const labels: Label[] = [];
    let at = from;
    while (at < to) {
        const character = spec[at]!;
        if (character === ' ' || character === '\t') {
            at++;
        } else if (isLetter(character)) {
            labels.push({ text: character, range: within(literal, at, at + 1) });
            at++;
        } else if (spec.startsWith('...', at) && at + 3 <= to) {
            if (!allowEllipsis || labels.some((label) => label.text === '...')) {
                context.error('E009', 'at most one `...` per operand', within(literal, at, at + 3));
                return undefined;
            }
            labels.push({ text: '...', range: within(literal, at, at + 3) });
            at += 3;
        } else {
            const end = at + codePointWidth(spec, at);
            context.error(
                'E009',
                `invalid character ${showCharacter(spec.slice(at, end))} in einsum subscripts: ` +
                    'use letters and `...`',
                within(literal, at, end),
            );
            return undefined;
        }
    }
    return { labels, text: spec.slice(from, to).trim(), range: within(literal, from, to) };
}

export function expandEinsum(context: Context, name: string, call: Call): BuiltinResult {
    const [specArgument, ...rest] = call.args;
    const keyword = call.args.find((argument) => argument.keyword !== undefined);
    if (keyword !== undefined) {
        context.error('E007', '`einsum` takes no keyword arguments', keyword.range);
        return { indices: [] };
    }
    if (specArgument === undefined || specArgument.value.kind !== 'string') {
        context.error(
            'E009',
            '`einsum` needs a subscripts string first, such as "ij,jk->ik"',
            specArgument?.range ?? call.range,
        );
        return { indices: [] };
    }
    const spec = specArgument.value.value;
    const literal = specArgument.value.range;

    // Split the string into operand subscripts and the output, keeping positions for ranges.
    const arrow = spec.indexOf('->');
    if (arrow >= 0 && spec.indexOf('->', arrow + 2) >= 0) {
        context.error('E009', 'an einsum string has at most one `->`', literal);
        return { indices: [] };
    }
    const inputEnd = arrow >= 0 ? arrow : spec.length;
    const inputs: Subscripts[] = [];
    let start = 0;
    let failed = false;
    for (let at = 0; at <= inputEnd; at++) {
        if (at === inputEnd || spec[at] === ',') {
            const parsed = parseSubscripts(context, spec, literal, start, at);
            if (parsed === undefined) failed = true;
            else inputs.push(parsed);
            start = at + 1;
        }
    }
    let output: Subscripts | undefined;
    if (arrow >= 0) {
        output = parseSubscripts(context, spec, literal, arrow + 2, spec.length);
        if (output === undefined) failed = true;
    }
    const operands = rest.map((argument, position) =>
        tensorArgument(context, argument.value, `operand ${position}`),
    );
    if (failed) return { indices: [] };
    if (inputs.length !== rest.length) {
        context.error(
            'E009',
            `the einsum string has ${inputs.length} operand ${inputs.length === 1 ? 'subscript' : 'subscripts'} (${inputs.map((input) => `"${input.text}"`).join(', ')}) but the call has ${rest.length} ${rest.length === 1 ? 'operand' : 'operands'}`,
            rest.length > inputs.length ? rest[inputs.length]!.range : literal,
        );
        return { indices: [] };
    }
    if (operands.some((operand) => operand === undefined)) return { indices: [] };
    const tensors = operands as TensorArgument[];

    // Ranks: each operand's subscripts against its shape.
    let broadcastRank = 0;
    for (let position = 0; position < tensors.length; position++) {
        const tensor = tensors[position]!;
        const input = inputs[position]!;
        const ellipsis = input.labels.some((label) => label.text === '...');
        const letters = input.labels.length - (ellipsis ? 1 : 0);
        const rank = tensor.shape.length;
        if (ellipsis ? rank < letters : rank !== letters) {
            const implied = ellipsis ? `at least ${letters}` : `${letters}`;
            context.error(
                'E009',
                `operand ${position} (\`${tensor.name}\`) has subscripts "${input.text}", which imply rank ${implied}, but \`${tensor.name}\` has rank ${rank} ${formatShape(tensor.shape)}`,
                input.labels.length > 0 ? input.range : literal,
                {
                    related: [
                        {
                            message: `\`${tensor.name}\` is ${formatShape(tensor.shape)}`,
                            range: tensor.range,
                        },
                    ],
                    data: { operand: position, subscripts: input.text, impliedRank: letters, rank },
                },
            );
            return { indices: [] };
        }
        if (ellipsis) broadcastRank = Math.max(broadcastRank, rank - letters);
    }

    // Sizes: one per letter; broadcast axes align from the right, and size 1 stretches.
    const sizes: Record<string, number> = {};
    const places = new Map<
        string,
        { size: number; place: string; range: Range; operand: number; axis: number }
    >();
    const broadcastSizes: number[] = Array.from({ length: broadcastRank }, () => 1);
    const broadcastPlaces: string[] = [];
    const axesOf: string[][][] = [];
    const stretched: { parts: string[]; position: number; axis: number }[] = [];
    const occurrences = new Map<string, Range[]>();
    for (let position = 0; position < tensors.length; position++) {
        const tensor = tensors[position]!;
        const input = inputs[position]!;
        const letters = input.labels.filter((label) => label.text !== '...').length;
        const extra = tensor.shape.length - letters;
        const axes: string[][] = [];
        let axis = 0;
        for (const label of input.labels) {
            if (label.text === '...') {
                for (let j = 0; j < extra; j++, axis++) {
                    const slot = broadcastRank - extra + j;
                    const size = tensor.shape[axis]!;
                    const current = broadcastSizes[slot]!;
                    if (size !== 1 && current !== 1 && size !== current) {
                        context.error(
                            'E004',
                            `broadcast axis ${slot} of \`...\` is ${current} ${broadcastPlaces[slot]}, but ${size} in operand ${position}, axis ${axis}`,
                            label.range,
                        );
                        return { indices: [] };
                    }
                    if (size !== 1 && current === 1) {
                        broadcastSizes[slot] = size;
                        broadcastPlaces[slot] = `in operand ${position}, axis ${axis}`;
                    }
                    axes.push([`e${slot}`]);
                }
                continue;
            }
            const size = tensor.shape[axis]!;
            const place = `in operand ${position}, axis ${axis}`;
            // As in NumPy, an axis of size 1 broadcasts against the label's other sizes.
            const known = places.get(label.text);
            if (known === undefined || (known.size === 1 && size !== 1)) {
                places.set(label.text, {
                    size,
                    place,
                    range: label.range,
                    operand: position,
                    axis,
                });
                sizes[label.text] = size;
            } else if (known.size !== size && size !== 1) {
                context.error(
                    'E004',
                    `index \`${label.text}\` is ${known.size} ${known.place}, but ${size} ${place}`,
                    label.range,
                    {
                        related: [
                            {
                                message: `\`${label.text}\` is ${known.size} here`,
                                range: known.range,
                            },
                        ],
                        data: {
                            index: label.text,
                            sizes: [known.size, size],
                            operands: [known.operand, position],
                            axes: [known.axis, axis],
                        },
                    },
                );
                return { indices: [] };
            }
            if (size === 1) stretched.push({ parts: [label.text], position, axis });
            const list = occurrences.get(label.text) ?? [];
            list.push(label.range);
            occurrences.set(label.text, list);
            axes.push(size === 1 ? stretched[stretched.length - 1]!.parts : [label.text]);
            axis++;
        }
        axesOf.push(axes);
    }
    broadcastSizes.forEach((size, slot) => (sizes[`e${slot}`] = size));
    // An operand's axis of size 1 under a wider broadcast axis gets a private index of size 1.
    axesOf.forEach((axes, position) => {
        axes.forEach((parts, axis) => {
            const index = parts[0]!;
            if (
                index.startsWith('e') &&
                index.length > 1 &&
                tensors[position]!.shape[axis] !== sizes[index]
            ) {
                const own = `${index}_${position}`;
                sizes[own] = 1;
                parts[0] = own;
            }
        });
    });

    // A letter's axis of size 1 under a larger size of the same letter gets an index of its own.
    for (const { parts, position, axis } of stretched) {
        const letter = parts[0]!;
        if (sizes[letter] === 1) continue;
        let own = `${letter}_${position}`;
        if (sizes[own] !== undefined) own = `${letter}_${position}_${axis}`;
        sizes[own] = 1;
        parts[0] = own;
    }

    // The output: explicit, or the letters used once in alphabetical order after the broadcast axes.
    const counts = new Map<string, number>();
    for (const input of inputs) {
        for (const label of input.labels) counts.set(label.text, (counts.get(label.text) ?? 0) + 1);
    }
    const broadcastIndices = broadcastSizes.map((_, slot) => `e${slot}`);
    let outputIndices: string[];
    let broadcastKept = false;
    if (output !== undefined) {
        outputIndices = [];
        const seen = new Set<string>();
        for (const label of output.labels) {
            if (seen.has(label.text)) {
                context.error(
                    'E009',
                    `output subscript \`${label.text}\` appears more than once`,
                    label.range,
                );
                return { indices: [] };
            }
            seen.add(label.text);
            if (label.text === '...') {
                outputIndices.push(...broadcastIndices);
                broadcastKept = true;
            } else if (!counts.has(label.text)) {
                context.error(
                    'E005',
                    `output subscript \`${label.text}\` is in no operand's subscripts`,
                    label.range,
                );
                return { indices: [] };
            } else {
                outputIndices.push(label.text);
                const list = occurrences.get(label.text)!;
                list.push(label.range);
            }
        }
        if (!broadcastKept && broadcastSizes.length > 0) {
            context.error(
                'E009',
                'the operands have broadcast axes `...` but the output does not: write `...` in the output to keep them',
                output.range,
            );
            return { indices: [] };
        }
    } else {
        const once = [...counts.entries()]
            .filter(([label, count]) => count === 1 && label !== '...')
            .map(([label]) => label)
            .sort();
        outputIndices = [...broadcastIndices, ...once];
    }

    const dtypes: DType[] = tensors
        .filter((tensor) => tensor.entity.symbol.kind !== 'pattern')
        .map((tensor) => tensor.dtype);
    const dtype = Context.promote(dtypes);
    const operandList: Operand[] = tensors.map((tensor, position) => {
        const symbol = tensor.entity.symbol;
        const axes = axesOf[position]!;
        return {
            name: tensor.name,
            source:
                symbol.kind === 'pattern'
                    ? { kind: 'pattern', pattern: symbol.pattern!, patternName: symbol.name }
                    : { kind: 'tensor', tensor: symbol.name },
            axes,
            indices: axes.flat(),
            dtype: symbol.kind === 'pattern' ? dtype : tensor.dtype,
            range: tensor.range,
        };
    });
    const network = assemble(
        name,
        sizes,
        outputIndices.map((index) => [index]),
        dtype,
        [{ scale: 1, operands: operandList }],
        call.range,
    );

    const outputSet = new Set(outputIndices);
    for (const [label, place] of places) {
        if (outputSet.has(label)) continue;
        const holders = operandList.filter((item) => item.indices.includes(label)).length;
        if (holders === 1) {
            context.report(
                'W102',
                'warning',
                `index \`${label}\` is summed inside a single operand (a trace or a sum); is that intended?`,
                place.range,
            );
        }
    }
    const indices: IndexInfo[] = Object.entries(sizes).map(([index, size]) => {
        const place = places.get(index);
        return {
            name: index,
            size,
            occurrences: occurrences.get(index) ?? [],
            sizeFrom: place?.range ?? literal,
            sizeReason:
                place === undefined
                    ? 'the broadcast axes `...`'
                    : `operand ${place.operand} (\`${tensors[place.operand]!.name}\`), axis ${place.axis}`,
            summed: !outputSet.has(index),
        };
    });
    return { network, indices };
}
