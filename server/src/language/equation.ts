/**
 * Equations in index notation: infers the size of every index from the axes it labels, checks the
 * statement (E003, E004, E005, E010, W102) and builds its network, one term per `+`/`-` term.
 */
import type { DType, Network, Operand, Range, Term } from '../network/ir';
import type { Axis, Factor, Statement } from './ast';
import { Context, formatShape, type Entity } from './context';
import { evaluateReal } from './evaluate';
import type { IndexInfo } from './model';
import { contains } from './position';

export interface DefinitionResult {
    network?: Network;
    indices: IndexInfo[];
}

type EquationStatement = Statement & { kind: 'equation' };

interface Occurrence {
    range: Range;
    /** False on the left side. */
    right: boolean;
}

interface IndexState {
    name: string;
    occurrences: Occurrence[];
    size?: number;
    sizeFrom?: Range;
    sizeReason?: string;
    /** Where the size was fixed, for E004: "in `P`, axis 2". */
    sizePlace?: string;
    /** Used by a factor whose shape is unknown: stay silent about it. */
    poisoned: boolean;
    /** Already reported once: report nothing more about it. */
    reported: boolean;
}

interface CheckedFactor {
    factor: Factor & { kind: 'tensor' };
    entity?: Entity;
    /** The operand's stored shape, when known and of the right rank. */
    shape?: number[];
}

function axisParts(axis: Axis): { name: string; range: Range }[] {
    return axis.kind === 'index'
        ? [{ name: axis.name.name, range: axis.name.range }]
        : axis.parts.map((part) => ({ name: part.name, range: part.range }));
}

function comparePositions(a: Range, b: Range): number {
    return a.start.line - b.start.line || a.start.character - b.start.character;
}

export function checkEquation(context: Context, statement: EquationStatement): DefinitionResult {
    const errorsBefore = context.diagnostics.length;
    const states = new Map<string, IndexState>();
    const state = (name: string): IndexState => {
        let found = states.get(name);
        if (found === undefined) {
            found = { name, occurrences: [], poisoned: false, reported: false };
            states.set(name, found);
        }
        return found;
    };

    for (const axis of statement.axes ?? []) {
        for (const part of axisParts(axis))
            state(part.name).occurrences.push({ range: part.range, right: false });
    }

    // Resolve the factors and record every index occurrence on the right.
    const termFactors: CheckedFactor[][] = [];
    const scales: (number | undefined)[] = [];
    let failed = false;
    // A tensor written without indices hides which indices it would carry: no E005 then.
    let incomplete = false;
    for (const term of statement.terms) {
        const checked: CheckedFactor[] = [];
        let scale: number | undefined = term.sign;
        for (const factor of term.factors) {
            if (factor.kind === 'scale') {
                const bare = bareTensor(context, factor);
                if (bare) incomplete = true;
                const value = bare ? undefined : evaluateReal(context, factor.expression);
                if (value === undefined) {
                    scale = undefined;
                } else if (scale !== undefined) {
                    if (factor.divide && value === 0) {
                        context.error('E007', 'division by zero', factor.range);
                        scale = undefined;
                    } else {
                        scale = factor.divide ? scale / value : scale * value;
                    }
                }
                continue;
            }
            for (const axis of factor.axes) {
                for (const part of axisParts(axis)) {
                    state(part.name).occurrences.push({ range: part.range, right: true });
                }
            }
            checked.push(resolveFactor(context, factor));
        }
        if (scale === undefined) failed = true;
        scales.push(scale);
        termFactors.push(checked);
    }

    for (const checked of termFactors.flat()) {
        if (checked.shape === undefined) {
            failed = true;
            for (const axis of checked.factor.axes) {
                for (const part of axisParts(axis)) state(part.name).poisoned = true;
            }
        }
    }

    // Sizes from plain axes first, then grouped axes, whose parts must be known by then.
    for (const checked of termFactors.flat()) {
        const { factor, shape } = checked;
        if (shape === undefined) continue;
        factor.axes.forEach((axis, position) => {
            if (axis.kind !== 'index') return;
            const index = state(axis.name.name);
            const size = shape[position]!;
            const place = `in \`${factor.name.name}\`, axis ${position}`;
            if (index.size === undefined) {
                index.size = size;
                index.sizeFrom = axis.range;
                index.sizeReason = `axis ${position} of \`${factor.name.name}\``;
                index.sizePlace = place;
                return;
            }
            if (index.size !== size && !index.reported) {
                index.reported = true;
                failed = true;
                context.error(
                    'E004',
                    `index \`${index.name}\` is ${index.size} ${index.sizePlace}, but ${size} ${place}`,
                    axis.range,
                    {
                        related: [
                            {
                                message: `\`${index.name}\` is ${index.size} here`,
                                range: index.sizeFrom!,
                            },
                        ],
                        data: {
                            index: index.name,
                            sizes: [index.size, size],
                            ranges: [index.sizeFrom, axis.range],
                        },
                    },
                );
            }
        });
    }
    const groups: GroupUse[] = [];
    for (const { factor, shape } of termFactors.flat()) {
        if (shape === undefined) continue;
        factor.axes.forEach((axis, position) => {
            if (axis.kind === 'group') {
                groups.push({ axis, size: shape[position]!, tensor: factor.name.name, position });
            }
        });
    }
    inferGroupParts(groups, states);
    for (const group of groups) {
        if (!checkGroup(context, group, states)) failed = true;
    }

    // The left side: each index once, each on the right; grouped axes multiply their parts.
    const seen = new Set<string>();
    for (const axis of statement.axes ?? []) {
        for (const part of axisParts(axis)) {
            const index = state(part.name);
            if (seen.has(part.name)) {
                context.error(
                    'E005',
                    `index \`${part.name}\` appears twice on the left side`,
                    part.range,
                );
                failed = true;
                continue;
            }
            seen.add(part.name);
            if (incomplete) {
                failed = true;
            } else if (!index.occurrences.some((occurrence) => occurrence.right)) {
                context.error(
                    'E005',
                    `index \`${part.name}\` is on the left side but on no factor of the right side`,
                    part.range,
                );
                failed = true;
            } else if (index.size === undefined) {
                failed = true;
            }
        }
    }

    const indices = indexInfos(states, seen);
    if (failed || context.diagnostics.length > errorsBefore) return { indices };

    const sizes: Record<string, number> = {};
    for (const index of states.values()) sizes[index.name] = index.size!;
    const outputAxes = (statement.axes ?? []).map((axis) =>
        axisParts(axis).map((part) => part.name),
    );
    const outputIndices = outputAxes.flat();
    const dtypes: DType[] = [];
    for (const checked of termFactors.flat()) {
        if (checked.entity!.symbol.kind !== 'pattern')
            dtypes.push(checked.entity!.symbol.dtype ?? 'f32');
    }
    const dtype = Context.promote(dtypes);

    const terms: Term[] = statement.terms.map((term, position) => {
        const operands = termFactors[position]!.map((checked) => operandOf(checked, dtype));
        const used = new Set(operands.flatMap((operand) => operand.indices));
        for (const index of used) {
            if (seen.has(index)) continue;
            const holders = operands.filter((operand) => operand.indices.includes(index)).length;
            if (holders === 1) {
                // Each term reports its own factor: the same index may sum alone in several terms.
                const rights = states.get(index)!.occurrences.filter((each) => each.right);
                const first =
                    rights.find((each) => contains(term.range, each.range.start)) ?? rights[0]!;
                context.report(
                    'W102',
                    'warning',
                    `index \`${index}\` is summed inside a single factor (a trace or a sum); is that intended?`,
                    first.range,
                );
            }
        }
        return {
            scale: scales[position]!,
            operands,
            output: outputIndices.filter((index) => used.has(index)),
            range: term.range,
        };
    });
    const network: Network = {
        name: statement.name.name,
        sizes,
        output: { axes: outputAxes, indices: outputIndices, dtype },
        terms,
    };
    return { network, indices };
}

/** A tensor written without its indices, where a scale would stand: E003, with the fix. */
function bareTensor(context: Context, factor: Factor & { kind: 'scale' }): boolean {
    const expression = factor.expression;
    if (expression.kind !== 'name' || !context.has(expression.name)) return false;
    const entity = context.resolve(expression, 'tensor')!;
    if (entity.symbol.kind === 'size') {
        // Resolved again by the evaluation; keep one reference per occurrence.
        entity.symbol.references.pop();
        return false;
    }
    const rank = entity.symbol.shape?.length;
    const hint = rank === undefined ? '' : ` with ${rank} ${rank === 1 ? 'index' : 'indices'}`;
    context.error(
        'E003',
        `\`${expression.name}\` is a ${entity.symbol.kind === 'equation' ? 'tensor' : entity.symbol.kind}: write it with its indices, as \`${expression.name}[...]\`${hint}`,
        expression.range,
    );
    return true;
}

function resolveFactor(context: Context, factor: Factor & { kind: 'tensor' }): CheckedFactor {
    const entity = context.resolve(factor.name, 'tensor');
    if (entity === undefined) return { factor };
    const symbol = entity.symbol;
    if (symbol.kind === 'size') {
        context.error(
            'E003',
            `\`${factor.name.name}\` is a size, not a tensor: it takes no indices`,
            factor.range,
        );
        return { factor, entity };
    }
    if (symbol.shape === undefined) return { factor, entity };
    if (symbol.shape.length !== factor.axes.length) {
        context.error(
            'E003',
            `\`${factor.name.name}\` has ${symbol.shape.length} axes ${formatShape(symbol.shape)} but is used with ${factor.axes.length} ${factor.axes.length === 1 ? 'index' : 'indices'}`,
            factor.range,
            { data: { expected: symbol.shape.length, actual: factor.axes.length } },
        );
        return { factor, entity };
    }
    return { factor, entity, shape: symbol.shape };
}

interface GroupUse {
    axis: Axis & { kind: 'group' };
    size: number;
    tensor: string;
    position: number;
}

/**
 * A grouped axis with one part of unknown size gives that part the quotient, as `X[n, (g, c), h]`
 * gives `g` once `c` is known; repeated until nothing more follows.
 */
function inferGroupParts(groups: GroupUse[], states: Map<string, IndexState>): void {
    let progress = true;
    while (progress) {
        progress = false;
        for (const { axis, size, tensor, position } of groups) {
            const parts = axis.parts.map((part) => states.get(part.name)!);
            if (parts.some((part) => part.poisoned || part.reported)) continue;
            const unknown = parts.filter((part) => part.size === undefined);
            if (
                unknown.length !== 1 ||
                new Set(axis.parts.map((part) => part.name)).size !== parts.length
            ) {
                continue;
            }
            const known = parts.reduce((product, part) => product * (part.size ?? 1), 1);
            if (size % known !== 0) continue;
            const part = unknown[0]!;
            part.size = size / known;
            part.sizeFrom = axis.parts[parts.indexOf(part)]!.range;
            part.sizeReason = `axis ${position} of \`${tensor}\` divided by the other parts of its group`;
            part.sizePlace = `in \`${tensor}\`, axis ${position}`;
            progress = true;
        }
    }
}

function checkGroup(
    context: Context,
    { axis, size, tensor, position }: GroupUse,
    states: Map<string, IndexState>,
): boolean {
    const parts = axis.parts.map((part) => states.get(part.name)!);
    if (parts.some((part) => part.reported || (part.size === undefined && part.poisoned)))
        return false;
    const unknown = parts.filter((part) => part.size === undefined);
    if (unknown.length === 1) {
        const known = parts.reduce((product, part) => product * (part.size ?? 1), 1);
        context.error(
            'E010',
            `the grouped axis ${describeGroup(axis)} is axis ${position} of \`${tensor}\`, size ${size}, which is not a multiple of ${known}, the size of its other parts`,
            axis.range,
            { data: { product: known, size } },
        );
        unknown[0]!.reported = true;
        return false;
    }
    if (unknown.length > 0) {
        context.error(
            'E010',
            `the grouped axis ${describeGroup(axis)} (axis ${position} of \`${tensor}\`, size ${size}) needs the size of ${unknown.map((part) => `\`${part.name}\``).join(', ')} from another use in the statement`,
            axis.range,
        );
        for (const part of unknown) part.reported = true;
        return false;
    }
    const product = parts.reduce((total, part) => total * part.size!, 1);
    if (product !== size) {
        const factors = parts.map((part) => `${part.name}=${part.size}`).join(' * ');
        context.error(
            'E010',
            `the grouped axis ${describeGroup(axis)} has size ${product} (${factors}), but axis ${position} of \`${tensor}\` is ${size}`,
            axis.range,
            { data: { product, size } },
        );
        for (const part of parts) part.reported = true;
        return false;
    }
    return true;
}

function describeGroup(axis: Axis & { kind: 'group' }): string {
    return `\`(${axis.parts.map((part) => part.name).join(', ')})\``;
}

function operandOf(checked: CheckedFactor, dtype: DType): Operand {
    const { factor, entity } = checked;
    const symbol = entity!.symbol;
    const axes = factor.axes.map((axis) => axisParts(axis).map((part) => part.name));
    const operand: Operand = {
        name: factor.name.name,
        source:
            symbol.kind === 'pattern'
                ? { kind: 'pattern', pattern: symbol.pattern!, patternName: symbol.name }
                : { kind: 'tensor', tensor: symbol.name },
        axes,
        indices: axes.flat(),
        dtype: symbol.kind === 'pattern' ? dtype : (symbol.dtype ?? 'f32'),
        range: factor.range,
    };
    return operand;
}

function indexInfos(states: Map<string, IndexState>, left: Set<string>): IndexInfo[] {
    const infos: IndexInfo[] = [];
    for (const index of states.values()) {
        const occurrences = index.occurrences
            .map((occurrence) => occurrence.range)
            .sort(comparePositions);
        if (index.size === undefined) continue;
        infos.push({
            name: index.name,
            size: index.size,
            occurrences,
            sizeFrom: index.sizeFrom!,
            sizeReason: index.sizeReason!,
            summed: !left.has(index.name),
        });
    }
    return infos;
}
