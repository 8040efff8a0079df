/**
 * The entry of the language core: `analyze(text)` parses a `.tnet` file, binds its names, checks
 * every statement and expands it into the network IR. It never throws and never stops at the first
 * error: each bad statement gets its diagnostic and poisons only what depends on it.
 */
import type { Range } from '../network/ir';
import type { Call, Statement } from './ast';
import { bindArguments } from './arguments';
import { expandConvolution, expandUnfolding, type BuiltinResult } from './builtins';
import { closestName, Context, patternShape } from './context';
import { convolutionPatterns } from './convolution';
import { expandDerivative } from './derivatives';
import { expandEinsum } from './einsumForm';
import { checkEquation } from './equation';
import { evaluateSize } from './evaluate';
import type { Analysis, EquationInfo, SymbolInfo } from './model';
import { parse, type ParsedFile } from './parser';
import { axesShape, type DType } from '../network/ir';

export const BUILTINS = [
    'conv',
    'conv_transpose',
    'unfold',
    'kfc',
    'kfac_reduce',
    'vjp',
    'jvp',
    'einsum',
] as const;

const PATTERN_BUILTINS = ['conv', 'conv_transpose'];
const DTYPES: DType[] = ['f16', 'f32', 'f64'];

/** Slices the source text of a range. */
function sourceText(lines: string[], range: Range): string {
    if (range.start.line === range.end.line) {
        return lines[range.start.line]!.slice(range.start.character, range.end.character);
    }
    const parts = [lines[range.start.line]!.slice(range.start.character)];
    for (let line = range.start.line + 1; line < range.end.line; line++) parts.push(lines[line]!);
    parts.push(lines[range.end.line]!.slice(0, range.end.character));
    return parts.join('\n');
}

function definedNames(tree: ParsedFile): Map<string, Range> {
    const names = new Map<string, Range>();
    const add = (name: string, range: Range) => {
        if (!names.has(name)) names.set(name, range);
    };
    for (const statement of tree.statements) {
        if (statement.kind === 'size') {
            for (const definition of statement.definitions)
                add(definition.name.name, definition.name.range);
        } else {
            add(statement.name.name, statement.name.range);
        }
    }
    return names;
}

function symbolOf(
    kind: SymbolInfo['kind'],
    name: { name: string; range: Range },
    statementRange: Range,
): SymbolInfo {
    return { name: name.name, kind, nameRange: name.range, statementRange, references: [] };
}

function patternStatement(context: Context, statement: Statement & { kind: 'pattern' }): void {
    const symbol = symbolOf('pattern', statement.name, statement.range);
    const call = statement.call;
    const callee = call.callee.name;
    if (!PATTERN_BUILTINS.includes(callee)) {
        const suggestion = closestName(callee, PATTERN_BUILTINS);
        context.error(
            'E002',
            `unknown pattern \`${callee}\`: a pattern is \`conv(...)\` or \`conv_transpose(...)\`${suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`}`,
            call.callee.range,
            suggestion === undefined ? {} : { data: { suggestion } },
        );
        context.define(symbol);
        return;
    }
    const transpose = callee === 'conv_transpose';
    const bound = bindArguments(context, call, {
        name: callee,
        parameters: transpose
            ? ['in', 'kernel', 'stride', 'padding', 'output_padding', 'dilation', 'out']
            : ['in', 'kernel', 'stride', 'padding', 'dilation', 'out'],
        required: ['in', 'kernel'],
    });
    if (bound !== undefined) {
        const input = evaluateSize(context, bound.get('in')!.value, '`in`');
        const kernel = evaluateSize(context, bound.get('kernel')!.value, '`kernel`');
        const outArgument = bound.get('out');
        const out = outArgument && evaluateSize(context, outArgument.value, '`out`');
        const outFailed = outArgument !== undefined && out === undefined;
        if (input !== undefined && kernel !== undefined) {
            const specs = convolutionPatterns(context, {
                sizes: [input],
                kernels: [kernel],
                stride: bound.get('stride'),
                padding: bound.get('padding'),
                dilation: bound.get('dilation'),
                outputPadding: bound.get('output_padding'),
                transpose,
                callRange: call.range,
                dimensionName: () => '',
            });
            const spec = specs?.[0];
            if (spec !== undefined && !outFailed) {
                const computed = transpose ? spec.input : spec.output;
                if (out !== undefined && out !== computed) {
                    context.error(
                        'E004',
                        `\`out=${out}\` does not match the computed ${transpose ? 'input' : 'output'} size ${computed}`,
                        outArgument!.value.range,
                        { data: { out: computed } },
                    );
                } else {
                    symbol.pattern = spec;
                    symbol.shape = patternShape(spec);
                    symbol.dtype = 'f32';
                }
            }
        }
    }
    context.define(symbol);
}

function callStatement(context: Context, statement: Statement & { kind: 'call' }): BuiltinResult {
    const call: Call = statement.call;
    const name = statement.name.name;
    switch (call.callee.name) {
        case 'conv':
            return expandConvolution(context, name, call, false);
        case 'conv_transpose':
            return expandConvolution(context, name, call, true);
        case 'unfold':
        case 'kfc':
        case 'kfac_reduce':
            return expandUnfolding(context, name, call, call.callee.name);
        case 'vjp':
        case 'jvp':
            return expandDerivative(context, name, call, call.callee.name);
        case 'einsum':
            return expandEinsum(context, name, call);
        default: {
            const suggestion = closestName(call.callee.name, BUILTINS);
            context.error(
                'E002',
                `unknown function \`${call.callee.name}\`${suggestion === undefined ? `; the built-ins are ${BUILTINS.join(', ')}` : `; did you mean \`${suggestion}\`?`}`,
                call.callee.range,
                suggestion === undefined ? {} : { data: { suggestion } },
            );
            return { indices: [] };
        }
    }
}

/**
 * Lets a caller reuse the results of statements unchanged since an earlier analysis (see
 * incremental.ts): `replay` enters a statement's recorded results into the context and says
 * whether it did; when it did not, the statement is checked and `record` keeps what it did.
 */
export interface StatementReuse {
    replay(context: Context, statement: Statement, equations: EquationInfo[]): boolean;
    record(context: Context, statement: Statement, equations: EquationInfo[]): void;
}

export function analyzeParsed(text: string, tree: ParsedFile, reuse?: StatementReuse): Analysis {
    const lines = text.split(/\r\n|\r|\n/);
    const context = new Context(definedNames(tree));
    for (const error of tree.errors) context.error('E001', error.message, error.range);
    const equations: EquationInfo[] = [];

    // Statements dropped for a syntax error still define their names, poisoned, in file order.
    const broken = [...tree.broken];
    const enterBroken = (before: Range | undefined) => {
        while (
            broken.length > 0 &&
            (before === undefined || broken[0]!.range.start.line < before.start.line)
        ) {
            const statement = broken.shift()!;
            for (const name of statement.names) {
                if (context.has(name.name)) continue;
                context.define(symbolOf(statement.declares, name, statement.range));
                if (statement.declares === 'equation') {
                    equations.push({
                        name: name.name,
                        nameRange: name.range,
                        statementRange: statement.range,
                        indices: [],
                    });
                }
            }
        }
    };

    for (const statement of tree.statements) {
        enterBroken(statement.range);
        if (reuse?.replay(context, statement, equations) === true) continue;
        switch (statement.kind) {
            case 'size':
                for (const definition of statement.definitions) {
                    const symbol = symbolOf('size', definition.name, statement.range);
                    const value = evaluateSize(
                        context,
                        definition.value,
                        `size \`${definition.name.name}\``,
                    );
                    if (value !== undefined) symbol.value = value;
                    symbol.expression = sourceText(lines, definition.value.range);
                    context.define(symbol);
                }
                break;
            case 'tensor': {
                const symbol = symbolOf('tensor', statement.name, statement.range);
                const dims = statement.dims.map((dim, axis) =>
                    evaluateSize(context, dim, `axis ${axis} of \`${statement.name.name}\``),
                );
                let dtype: DType = 'f32';
                if (statement.dtype !== undefined) {
                    const written = statement.dtype.name;
                    if ((DTYPES as string[]).includes(written)) {
                        dtype = written as DType;
                    } else {
                        const suggestion = closestName(written, DTYPES);
                        context.error(
                            'E002',
                            `unknown element type \`${written}\`: use f16, f32 or f64${suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`}`,
                            statement.dtype.range,
                            suggestion === undefined ? {} : { data: { suggestion } },
                        );
                    }
                }
                symbol.dtype = dtype;
                if (dims.every((dim) => dim !== undefined)) symbol.shape = dims as number[];
                context.define(symbol);
                break;
            }
            case 'pattern':
                patternStatement(context, statement);
                break;
            case 'equation':
            case 'call': {
                const result =
                    statement.kind === 'equation'
                        ? checkEquation(context, statement)
                        : callStatement(context, statement);
                const symbol = symbolOf('equation', statement.name, statement.range);
                const info: EquationInfo = {
                    name: statement.name.name,
                    nameRange: statement.name.range,
                    statementRange: statement.range,
                    indices: result.indices,
                };
                if (statement.kind === 'call') info.form = statement.call.callee.name;
                if (result.network !== undefined) {
                    symbol.shape = axesShape(result.network.sizes, result.network.output.axes);
                    symbol.dtype = result.network.output.dtype;
                }
                if (context.define(symbol, result.network) !== undefined && result.network) {
                    info.network = result.network;
                }
                equations.push(info);
                break;
            }
        }
        reuse?.record(context, statement, equations);
    }

    enterBroken(undefined);

    for (const symbol of context.symbols) {
        // A definition with an error has its diagnostic already; W101 on it would be a second one.
        const healthy =
            symbol.kind === 'size' ? symbol.value !== undefined : symbol.shape !== undefined;
        const unused = symbol.references.length === 0 && !tree.mentioned.has(symbol.name);
        if (symbol.kind !== 'equation' && healthy && unused) {
            context.report(
                'W101',
                'warning',
                `${symbol.kind} \`${symbol.name}\` is defined but never used`,
                symbol.nameRange,
            );
        }
    }
    const diagnostics = [...context.diagnostics].sort(
        (a, b) =>
            a.range.start.line - b.range.start.line ||
            a.range.start.character - b.range.start.character,
    );
    return { diagnostics, symbols: context.symbols, equations };
}

/** Analyses a whole `.tnet` file. */
export function analyze(text: string): Analysis {
    return analyzeParsed(text, parse(text));
}
