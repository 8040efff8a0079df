/**
 * The paper's simplifications as rewrites of the network IR; none changes a result.
 *
 * - `delta`: a pattern with kernel 1, stride 1 and no padding is a Kronecker delta δ(i, o); the
 *   pattern goes and its input index is renamed to its output index.
 * - `dense-pattern`: kernel = stride, no padding, dilation 1 and an input divisible by the kernel
 *   give `P[i, o, k] = δ(i, K·o + k)`: the input index splits into the pair (o, k), a reshape,
 *   and the pattern goes (the deltas it leaves are pruned by the split itself).
 * - `downsampling-pattern`: stride > kernel, otherwise the same, input divisible by the stride:
 *   the input index splits into (o, s) with s of size S, a slice keeps s < K, and what remains is
 *   the dense case: the input index becomes (o, k) read through a slice.
 * - `squeeze`: an index of size 1 leaves every operand (the result keeps its axis: the term is
 *   broadcast over it).
 * - `merge-indices`: two indices that always occur together, adjacent and in the same order,
 *   become one index whose size is their product.
 *
 * How the IR shows it: a reshape is a grouped axis (`axes` lists the parts of a stored axis), a
 * slice is an entry of `Operand.slices`, and a merge may join two adjacent stored axes. An operand
 * of a simplified network reads its stored tensor row-major through `axes`, so the stored data
 * never changes; the network's output keeps its stored shape.
 */
import type { AxisSlice, Network, Operand, PatternSpec, Range, Term } from './ir';

export type SimplificationKind =
    'delta' | 'dense-pattern' | 'downsampling-pattern' | 'squeeze' | 'merge-indices';

export const PATTERN_SIMPLIFICATIONS: readonly SimplificationKind[] = [
    'delta',
    'dense-pattern',
    'downsampling-pattern',
];

export interface Simplification {
    kind: SimplificationKind;
    /** The term of a pattern rewrite and the pattern's position in it. */
    term?: number;
    operand?: number;
    /** The pattern's display name, for a pattern rewrite. */
    pattern?: string;
    /** The indices concerned: a pattern's (input, output, kernel), the squeezed or merged ones. */
    indices: string[];
    /** What the rewrite does, in words. */
    description: string;
    range?: Range;
}

function describePattern(p: PatternSpec): string {
    return `kernel ${p.kernel}, stride ${p.stride}, input ${p.input}`;
}

/** Whether a pattern rewrite fits, and to which parts its input index becomes. */
function patternRewrite(
    network: Network,
    termIndex: number,
    position: number,
): Simplification | undefined {
    const term = network.terms[termIndex]!;
    const operand = term.operands[position]!;
    if (operand.source.kind !== 'pattern') return undefined;
    const p = operand.source.pattern;
    const [i, o, k] = operand.indices as [string, string, string];
    if (operand.indices.length !== 3 || new Set(operand.indices).size !== 3) return undefined;
    if (p.padLeft !== 0 || p.padRight !== 0) return undefined;
    if (p.kernel > 1 && p.dilation !== 1) return undefined;
    if (network.sizes[i] !== p.input || network.sizes[o] !== p.output) return undefined;
    if (network.sizes[k] !== p.kernel) return undefined;

    let kind: SimplificationKind;
    if (p.kernel === 1 && p.stride === 1 && p.input === p.output) kind = 'delta';
    else if (p.kernel === p.stride && p.input === p.kernel * p.output) kind = 'dense-pattern';
    else if (p.stride > p.kernel && p.input === p.stride * p.output) kind = 'downsampling-pattern';
    else return undefined;

    // The input index must belong to this pattern alone among patterns, be read whole, and live
    // in this term only (another term would need the same split with other meanings of o and k).
    // FIXME: so a product-rule network whose terms share the input index (a VJP through two uses
    // of one convolution) keeps its patterns; splitting every term alike would need fresh names.
    for (const [t, other] of network.terms.entries()) {
        for (const [q, candidate] of other.operands.entries()) {
            if (t === termIndex && q === position) continue;
            if (!candidate.indices.includes(i)) continue;
            if (t !== termIndex || candidate.source.kind === 'pattern') return undefined;
            if (candidate.slices?.some((slice) => slice.index === i)) return undefined;
        }
    }
    const inOutput = network.output.indices.includes(i);
    if (inOutput) {
        if (network.terms.length > 1 || kind === 'downsampling-pattern') return undefined;
        if (network.output.indices.includes(o) || network.output.indices.includes(k)) {
            return undefined;
        }
    }
    const name = operand.name;
    const description =
        kind === 'delta'
            ? `${name}[${i}, ${o}, ${k}] (${describePattern(p)}, no padding) is a Kronecker ` +
              `delta: rename ${i} to ${o} and drop it`
            : kind === 'dense-pattern'
              ? `${name}[${i}, ${o}, ${k}] is dense (${describePattern(p)}, no padding): ` +
                `reshape ${i} into (${o}, ${k}) and drop it`
              : `${name}[${i}, ${o}, ${k}] down-samples (${describePattern(p)}, no padding): ` +
                `reshape ${i} into (${o}, ${p.stride}), keep the first ${p.kernel} of each ` +
                `${p.stride} as ${k}, and drop it`;
    return {
        kind,
        term: termIndex,
        operand: position,
        pattern: name,
        indices: [i, o, k],
        description,
        ...(operand.range !== undefined ? { range: operand.range } : {}),
    };
}

function rebuild(operand: Operand, axes: string[][], slices: AxisSlice[]): Operand {
    const result: Operand = { ...operand, axes, indices: axes.flat() };
    if (slices.length > 0) result.slices = slices;
    else delete result.slices;
    return result;
}

/** Replaces the part `from` by `to` in every axis list, adding `slice` where it splits. */
function splitIndex(
    operand: Operand,
    from: string,
    to: string[],
    slice: AxisSlice | undefined,
): Operand {
    if (!operand.indices.includes(from)) return operand;
    const axes = operand.axes.map((parts) =>
        parts.flatMap((part) => (part === from ? to : [part])),
    );
    return rebuild(operand, axes, [...(operand.slices ?? []), ...(slice ? [slice] : [])]);
}

function applyPattern(network: Network, s: Simplification): Network {
    const [i, o, k] = s.indices as [string, string, string];
    const pattern = network.terms[s.term!]!.operands[s.operand!]!;
    const p = (pattern.source as { pattern: PatternSpec }).pattern;
    const to = s.kind === 'delta' ? [o] : [o, k];
    const slice =
        s.kind === 'downsampling-pattern' ? { index: k, start: 0, extent: p.stride } : undefined;
    const terms = network.terms.map((term, t): Term => {
        if (t !== s.term) return term;
        const operands = term.operands
            .filter((_, q) => q !== s.operand)
            .map((operand) => splitIndex(operand, i, to, slice));
        const carried = new Set(operands.flatMap((operand) => operand.indices));
        const output = term.output
            .flatMap((index) => (index === i ? to : [index]))
            .filter((index) => carried.has(index));
        return { ...term, operands, output };
    });
    const outputAxes = network.output.axes.map((parts) =>
        parts.flatMap((part) => (part === i ? to : [part])),
    );
    return {
        ...network,
        terms,
        output: { ...network.output, axes: outputAxes, indices: outputAxes.flat() },
    };
}

function carriedByPattern(network: Network, index: string): boolean {
    return network.terms.some((term) =>
        term.operands.some(
            (operand) => operand.source.kind === 'pattern' && operand.indices.includes(index),
        ),
    );
}

function squeezable(network: Network): string[] {
    const carried = new Set(
        network.terms.flatMap((term) => term.operands.flatMap((operand) => operand.indices)),
    );
    return [...carried].filter(
        (index) =>
            network.sizes[index] === 1 &&
            !carriedByPattern(network, index) &&
            !network.terms.some((term) =>
                term.operands.some((op) => op.slices?.some((slice) => slice.index === index)),
            ),
    );
}

function applySqueeze(network: Network, index: string): Network {
    const terms = network.terms.map((term): Term => ({
        ...term,
        operands: term.operands.map((operand) => {
            if (!operand.indices.includes(index)) return operand;
            const axes = operand.axes
                .map((parts) => parts.filter((part) => part !== index))
                .filter((parts) => parts.length > 0);
            return rebuild(operand, axes, operand.slices ?? []);
        }),
        output: term.output.filter((kept) => kept !== index),
    }));
    return { ...network, terms };
}

/** Whether every list that holds `a` holds `b` right after it, and no list holds one alone. */
function alwaysTogether(list: readonly string[], a: string, b: string): boolean {
    for (let k = 0; k < list.length; k++) {
        if (list[k] === a && list[k + 1] !== b) return false;
        if (list[k] === b && list[k - 1] !== a) return false;
    }
    return true;
}

function mergeable(network: Network): [string, string][] {
    const pairs: [string, string][] = [];
    const seen = new Set<string>();
    const operands = network.terms.flatMap((term) => term.operands);
    for (const operand of operands) {
        for (let k = 0; k + 1 < operand.indices.length; k++) {
            const a = operand.indices[k]!;
            const b = operand.indices[k + 1]!;
            const key = `${a}\u0000${b}`;
            if (a === b || seen.has(key)) continue;
            seen.add(key);
            if (carriedByPattern(network, a) || carriedByPattern(network, b)) continue;
            const fits =
                operands.every(
                    (op) =>
                        alwaysTogether(op.indices, a, b) &&
                        !op.slices?.some((slice) => slice.index === a || slice.index === b),
                ) &&
                network.terms.every((term) => alwaysTogether(term.output, a, b)) &&
                network.output.axes.every((parts) => alwaysTogether(parts, a, b)) &&
                alwaysTogether(network.output.indices, a, b);
            if (fits) pairs.push([a, b]);
        }
    }
    return pairs;
}

function mergedName(network: Network, a: string, b: string): string {
    let name = `${a}${b}`;
    while (network.sizes[name] !== undefined) name += "'";
    return name;
}

function mergeParts(lists: string[][], a: string, b: string, merged: string): string[][] {
    // Joins the list holding `a` last with the next one when `b` opens it (two stored axes).
    const result: string[][] = [];
    for (const parts of lists) {
        const previous = result[result.length - 1];
        if (previous !== undefined && previous[previous.length - 1] === a && parts[0] === b) {
            result[result.length - 1] = [...previous, ...parts];
        } else {
            result.push([...parts]);
        }
    }
    return result.map((parts) => {
        const out: string[] = [];
        for (let k = 0; k < parts.length; k++) {
            if (parts[k] === a && parts[k + 1] === b) {
                out.push(merged);
                k++;
            } else {
                out.push(parts[k]!);
            }
        }
        return out;
    });
}

function applyMerge(network: Network, a: string, b: string): Network {
    const merged = mergedName(network, a, b);
    const flat = (list: string[]) => mergeParts([list], a, b, merged)[0]!;
    const terms = network.terms.map((term): Term => ({
        ...term,
        operands: term.operands.map((operand) =>
            operand.indices.includes(a)
                ? rebuild(operand, mergeParts(operand.axes, a, b, merged), operand.slices ?? [])
                : operand,
        ),
        output: flat(term.output),
    }));
    const inOutput = network.output.indices.includes(a);
    const axes = inOutput ? mergeParts(network.output.axes, a, b, merged) : network.output.axes;
    return {
        ...network,
        sizes: { ...network.sizes, [merged]: network.sizes[a]! * network.sizes[b]! },
        terms,
        output: { ...network.output, axes, indices: axes.flat() },
    };
}

/** Every simplification that applies to the network as it is, pattern rewrites first. */
export function findSimplifications(network: Network): Simplification[] {
    const found: Simplification[] = [];
    network.terms.forEach((term, t) =>
        term.operands.forEach((_, q) => {
            const rewrite = patternRewrite(network, t, q);
            if (rewrite !== undefined) found.push(rewrite);
        }),
    );
    for (const index of squeezable(network)) {
        found.push({
            kind: 'squeeze',
            indices: [index],
            description: `${index} has size 1: drop it from every operand`,
        });
    }
    for (const [a, b] of mergeable(network)) {
        found.push({
            kind: 'merge-indices',
            indices: [a, b],
            description:
                `${a} and ${b} always occur together: merge them into one index of size ` +
                `${network.sizes[a]! * network.sizes[b]!}`,
        });
    }
    return found;
}

export function applySimplification(network: Network, s: Simplification): Network {
    switch (s.kind) {
        case 'delta':
        case 'dense-pattern':
        case 'downsampling-pattern':
            return applyPattern(network, s);
        case 'squeeze':
            return applySqueeze(network, s.indices[0]!);
        case 'merge-indices':
            return applyMerge(network, s.indices[0]!, s.indices[1]!);
    }
}

export interface SimplifyOptions {
    /** Only these rewrites (all by default). */
    kinds?: readonly SimplificationKind[];
}

/** Applies simplifications until none is left; returns the network and what was applied. */
export function simplify(
    network: Network,
    options: SimplifyOptions = {},
): { network: Network; applied: Simplification[] } {
    const applied: Simplification[] = [];
    let current = network;
    // Each rewrite removes a pattern, an index or a pair of them, so this ends; the bound guards.
    const limit = 4 * Object.keys(network.sizes).length + 8;
    while (applied.length < limit) {
        const next = findSimplifications(current).find(
            (s) => options.kinds === undefined || options.kinds.includes(s.kind),
        );
        if (next === undefined) break;
        current = applySimplification(current, next);
        applied.push(next);
    }
    return { network: current, applied };
}
