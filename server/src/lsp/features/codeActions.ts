/**
 * Quick fixes from a diagnostic's `data`: E002 the closest name, E004 which declaration to change,
 * E006 and E007 the nearest valid hyper-parameters, and I201's simplification.
 */
import {
    type CodeAction,
    CodeActionKind,
    type Diagnostic,
    type TextEdit,
} from 'vscode-languageserver';
import type { Call, Statement } from '../../language/ast';
import type { Range } from '../../network/ir';
import type { DocumentState } from '../documents';
import type { Feature, ServerContext } from '../server';
import { containsRange, sameRange } from '../text';

export const codeActionsFeature: Feature = {
    name: 'code actions',
    capabilities: () => ({
        codeActionProvider: {
            codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite],
        },
    }),
    register(context: ServerContext): void {
        context.connection.onCodeAction(
            context.guard('code actions', (params): CodeAction[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return params.context.diagnostics.flatMap((diagnostic) =>
                    fixesFor(state, diagnostic),
                );
            }),
        );
    },
};

type Data = Record<string, unknown>;

export function fixesFor(state: DocumentState, diagnostic: Diagnostic): CodeAction[] {
    const data = (diagnostic.data ?? {}) as Data;
    const make = (title: string, edits: TextEdit[], preferred = false): CodeAction => ({
        title,
        kind: diagnostic.code === 'I201' ? CodeActionKind.RefactorRewrite : CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: preferred,
        edit: { changes: { [state.uri]: edits } },
    });
    switch (diagnostic.code) {
        case 'E002': {
            if (typeof data.suggestion !== 'string') return [];
            return [
                make(
                    `Change to \`${data.suggestion}\``,
                    [{ range: diagnostic.range, newText: data.suggestion }],
                    true,
                ),
            ];
        }
        case 'E004':
            return sizeConflictFixes(state, data).map(({ title, edit }) => make(title, [edit]));
        case 'E006':
        case 'E007': {
            const call = callAt(state, diagnostic.range);
            if (call === undefined) return [];
            if (
                diagnostic.code === 'E006' &&
                (data.dimensions !== undefined || !isOneDimensional(state, call))
            ) {
                // Several spatial dimensions: one padding per dimension, the others kept.
                const value = paddingTuple(state, call, data);
                if (value === undefined) return [];
                const edit = keywordEdit(call, 'padding', value, diagnostic.range);
                return [make(`Set padding=${value}`, [edit], true)];
            }
            const keys = [
                'padding',
                'kernel',
                'dilation',
                'stride',
                'output_padding',
                'groups',
            ].filter((key) => data[key] !== undefined);
            return keys.flatMap((key) => {
                if (key === 'kernel' && !call.args.some((arg) => arg.keyword?.name === 'kernel')) {
                    return [];
                }
                const value = valueText(data[key]);
                if (value === undefined) return [];
                const edit = keywordEdit(call, key, value, diagnostic.range);
                return [make(`Set ${key}=${value}`, [edit], key === keys[0])];
            });
        }
        case 'I201': {
            const edits = simplificationEdits(state, data);
            if (edits === undefined) return [];
            return [make(`Apply simplification: ${simplificationTitle(data)}`, edits, true)];
        }
        default:
            return [];
    }
}

function valueText(value: unknown): string | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string') return JSON.stringify(value);
    if (Array.isArray(value) && value.every((item) => typeof item === 'number')) {
        return `(${value.join(', ')})`;
    }
    return undefined;
}

function callsOf(statement: Statement): Call[] {
    return statement.kind === 'pattern' || statement.kind === 'call' ? [statement.call] : [];
}

/** The call whose range holds the diagnostic's. */
function callAt(state: DocumentState, range: Range): Call | undefined {
    for (const statement of state.parsed.statements) {
        for (const call of callsOf(statement)) {
            if (containsRange(call.range, range)) return call;
        }
    }
    return undefined;
}

/** A pattern call is one-dimensional; a built-in is when its input has one spatial axis. */
function isOneDimensional(state: DocumentState, call: Call): boolean {
    const pattern = state.parsed.statements.some(
        (statement) => statement.kind === 'pattern' && statement.call === call,
    );
    if (pattern) return true;
    const input = call.args[0]?.value;
    if (input?.kind !== 'name') return false;
    const symbol = state.analysis.symbols.find((s) => s.name === input.name);
    return symbol?.shape?.length === 3;
}

/** The number of spatial dimensions of a built-in call: its input's rank less two. */
function spatialDimensions(state: DocumentState, call: Call): number | undefined {
    const input = call.args[0]?.value;
    if (input?.kind !== 'name') return undefined;
    const rank = state.analysis.symbols.find((s) => s.name === input.name)?.shape?.length;
    return rank === undefined || rank < 3 ? undefined : rank - 2;
}

/**
 * The padding of an E006 on a call of several spatial dimensions: the call's own padding per
 * dimension (0 when it has none), with the nearest valid padding where the kernel does not fit.
 * Undefined when the call's padding cannot be read per dimension.
 */
function paddingTuple(state: DocumentState, call: Call, data: Data): string | undefined {
    const count = spatialDimensions(state, call);
    if (count === undefined) return undefined;
    const failing = (Array.isArray(data.dimensions) ? data.dimensions : [data]) as Data[];
    const given = call.args.find((arg) => arg.keyword?.name === 'padding')?.value;
    let entries: string[];
    if (given === undefined || (given.kind === 'string' && given.value === 'valid')) {
        entries = Array.from({ length: count }, () => '0');
    } else if (given.kind === 'number' && given.integer) {
        entries = Array.from({ length: count }, () => String(given.value));
    } else if (given.kind === 'tuple' && given.items.length === count) {
        entries = given.items.map((item) => textOf(state, item.range));
    } else {
        return undefined;
    }
    for (const dimension of failing) {
        const at = dimension.dimension;
        const padding = dimension.padding;
        if (typeof at !== 'number' || typeof padding !== 'number' || at >= count) return undefined;
        entries[at] = String(padding);
    }
    return `(${entries.join(', ')})`;
}

function textOf(state: DocumentState, range: Range): string {
    return state.document.getText(range);
}

/**
 * Sets a keyword argument: replaces the flagged entry of its tuple, or its whole value, or adds
 * the argument before the closing parenthesis.
 */
function keywordEdit(call: Call, key: string, value: string, flagged: Range): TextEdit {
    const existing = call.args.find((arg) => arg.keyword?.name === key);
    if (existing !== undefined) {
        const inside =
            existing.value.kind === 'tuple' &&
            containsRange(existing.value.range, flagged) &&
            !sameRange(existing.value.range, flagged) &&
            !value.startsWith('(');
        return { range: inside ? flagged : existing.value.range, newText: value };
    }
    const end = call.range.end;
    const closing = { line: end.line, character: Math.max(0, end.character - 1) };
    const separator = call.args.length > 0 ? ', ' : '';
    return { range: { start: closing, end: closing }, newText: `${separator}${key}=${value}` };
}

/**
 * For an index with two sizes: change the declaration of the tensor on either side so that its
 * axis takes the other side's size.
 */
function sizeConflictFixes(state: DocumentState, data: Data): { title: string; edit: TextEdit }[] {
    const sizes = data.sizes as number[] | undefined;
    const ranges = data.ranges as Range[] | undefined;
    if (sizes?.length !== 2 || ranges?.length !== 2) return [];
    const fixes: { title: string; edit: TextEdit }[] = [];
    ranges.forEach((range, side) => {
        const place = factorAxisAt(state, range);
        if (place === undefined) return;
        const declaration = state.parsed.statements.find(
            (statement) => statement.kind === 'tensor' && statement.name.name === place.tensor,
        );
        if (declaration?.kind !== 'tensor') return;
        const dim = declaration.dims[place.axis];
        if (dim === undefined) return;
        const wanted = sizes[1 - side]!;
        fixes.push({
            title: `Change \`${place.tensor}\`'s axis ${place.axis} to ${wanted} (line ${dim.range.start.line + 1})`,
            edit: { range: dim.range, newText: String(wanted) },
        });
    });
    return fixes;
}

function factorAxisAt(
    state: DocumentState,
    range: Range,
): { tensor: string; axis: number } | undefined {
    for (const statement of state.parsed.statements) {
        if (statement.kind !== 'equation' || !containsRange(statement.range, range)) continue;
        for (const term of statement.terms) {
            for (const factor of term.factors) {
                if (factor.kind !== 'tensor') continue;
                const axis = factor.axes.findIndex(
                    (a) => sameRange(a.range, range) || containsRange(a.range, range),
                );
                if (axis >= 0) return { tensor: factor.name.name, axis };
            }
        }
    }
    return undefined;
}

function simplificationTitle(data: Data): string {
    const [input, output, kernel] = (data.indices as string[] | undefined) ?? [];
    if (data.simplification === 'delta')
        return `drop ${String(data.pattern)}, rename ${input} to ${output}`;
    return `drop ${String(data.pattern)}, read ${input} as (${output}, ${kernel})`;
}

/**
 * The text of a pattern simplification in an index-notation equation of one term: the pattern's
 * factor goes, and its input index is renamed to the output index (a delta) or becomes the group
 * `(output, kernel)` (a dense pattern). Undefined where the rewrite has no text in the language
 * (a down-sampling pattern needs a slice; a built-in call has no factors to edit).
 *
 * FIXME: an I201 on a built-in call or a down-sampling pattern therefore offers no action.
 */
function simplificationEdits(state: DocumentState, data: Data): TextEdit[] | undefined {
    const kind = data.simplification;
    const indices = data.indices as string[] | undefined;
    if ((kind !== 'delta' && kind !== 'dense-pattern') || indices?.length !== 3) return undefined;
    const [input, output, kernel] = indices as [string, string, string];
    const statement = state.parsed.statements.find(
        (s) => s.kind === 'equation' && s.name.name === data.equation,
    );
    if (statement?.kind !== 'equation' || statement.terms.length !== 1) return undefined;
    const factors = statement.terms[0]!.factors;
    const position = factors.findIndex(
        (factor) =>
            factor.kind === 'tensor' &&
            factor.name.name === data.pattern &&
            factor.axes.map((axis) => (axis.kind === 'index' ? axis.name.name : '')).join() ===
                indices.join(),
    );
    if (position < 0) return undefined;
    const pattern = factors[position]!;
    const onLeft = (statement.axes ?? []).some((axis) =>
        axis.kind === 'index' ? axis.name.name === input : axis.parts.some((p) => p.name === input),
    );
    if (onLeft) return undefined;

    // The factor and the ` * ` that joins it to its neighbour.
    const neighbour = factors[position - 1] ?? factors[position + 1];
    if (neighbour === undefined) return undefined;
    const removal: Range =
        position > 0
            ? { start: neighbour.range.end, end: pattern.range.end }
            : { start: pattern.range.start, end: neighbour.range.start };
    const edits: TextEdit[] = [{ range: removal, newText: '' }];
    for (const factor of factors) {
        if (factor === pattern || factor.kind !== 'tensor') continue;
        for (const axis of factor.axes) {
            if (axis.kind === 'index' && axis.name.name === input) {
                const text = kind === 'delta' ? output : `(${output}, ${kernel})`;
                edits.push({ range: axis.name.range, newText: text });
            } else if (axis.kind === 'group') {
                for (const part of axis.parts) {
                    if (part.name !== input) continue;
                    const text = kind === 'delta' ? output : `${output}, ${kernel}`;
                    edits.push({ range: part.range, newText: text });
                }
            }
        }
    }
    return edits;
}
