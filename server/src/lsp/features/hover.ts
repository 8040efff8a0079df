/**
 * Hovers: a size's value and derivation, a tensor's or pattern's shape (a pattern with its output
 * size formula), an index's size and origin, and on a defined name its shape and cost report.
 */
import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { NetworkCost } from '../../cost/index';
import type { EquationInfo, IndexInfo, SymbolInfo } from '../../language/model';
import { BYTES_PER_ELEMENT, elementCount, type PatternSpec } from '../../network/ir';
import { builtinFor, ELEMENT_TYPES, KEYWORD_DOCS, signatureLabel } from '../builtins';
import type { DocumentState } from '../documents';
import { bytes, exactCount, ratio, shapeText, shortCount } from '../format';
import { targetAt } from '../lookup';
import type { Feature, ServerContext } from '../server';
import { clampPosition, nameAt } from '../text';

export const hoverFeature: Feature = {
    name: 'hover',
    capabilities: () => ({ hoverProvider: true }),
    register(context: ServerContext): void {
        context.connection.onHover(
            context.guard('hover', (params): Hover | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                const position = clampPosition(state.lines, params.position);
                return hoverAt(state, position);
            }),
        );
    },
};

export function hoverAt(
    state: DocumentState,
    position: { line: number; character: number },
): Hover | null {
    const analysis = state.analysis;
    const target = targetAt(analysis, position);
    let value: string | undefined;
    if (target?.kind === 'index') {
        value = indexHover(target.index);
    } else if (target?.kind === 'symbol') {
        value = symbolHover(state, target.symbol);
    } else {
        const word = nameAt(state.lines, position);
        if (word === undefined) return null;
        value = wordHover(word.name, state.lines[position.line] ?? '', word.range.end.character);
        if (value === undefined) return null;
        return { contents: { kind: MarkupKind.Markdown, value }, range: word.range };
    }
    return { contents: { kind: MarkupKind.Markdown, value }, range: target.range };
}

function code(text: string): string {
    return '```tnet\n' + text + '\n```';
}

function indexHover(index: IndexInfo): string {
    const role = index.summed ? 'summed' : 'kept in the result';
    return [
        code(`index ${index.name}: ${index.size}`),
        `Size ${index.size}, from ${index.sizeReason} (line ${index.sizeFrom.start.line + 1}); ${role}.`,
    ].join('\n\n');
}

function symbolHover(state: DocumentState, symbol: SymbolInfo): string {
    switch (symbol.kind) {
        case 'size':
            return sizeHover(state, symbol);
        case 'tensor':
            return tensorHover(symbol, 'tensor');
        case 'pattern':
            return patternHover(state, symbol);
        case 'equation': {
            const equation = state.analysis.equations.find((e) => e.name === symbol.name);
            return equationHover(state, symbol, equation);
        }
    }
}

function sizeHover(state: DocumentState, symbol: SymbolInfo): string {
    const head = code(`size ${symbol.name} = ${symbol.value ?? '?'}`);
    const expression = symbol.expression?.trim();
    if (expression === undefined || expression === String(symbol.value)) return head;
    const values = new Map<string, number>();
    for (const other of state.analysis.symbols) {
        if (other.kind === 'size' && other.value !== undefined) values.set(other.name, other.value);
    }
    const substituted = expression.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (name) =>
        values.has(name) ? String(values.get(name)) : name,
    );
    const lines = [`${symbol.name} = ${expression}`];
    if (substituted !== expression) lines.push(`  = ${substituted}`);
    lines.push(`  = ${symbol.value ?? '?'}`);
    return [head, 'Derived as:', code(lines.join('\n'))].join('\n\n');
}

function tensorHover(symbol: SymbolInfo, keyword: string): string {
    if (symbol.shape === undefined) {
        return (
            code(`${keyword} ${symbol.name}`) +
            '\n\nIts shape is unknown: its statement has an error.'
        );
    }
    const dtype = symbol.dtype ?? 'f32';
    const count = elementCount(symbol.shape);
    return [
        code(`${keyword} ${symbol.name}${shapeText(symbol.shape)} : ${dtype}`),
        `${exactCount(count)} elements, ${bytes(count * BYTES_PER_ELEMENT[dtype])}.`,
    ].join('\n\n');
}

function patternHover(state: DocumentState, symbol: SymbolInfo): string {
    const pattern = symbol.pattern;
    if (pattern === undefined) return tensorHover(symbol, 'pattern');
    const statement = state.parsed.statements.find(
        (s) => s.kind === 'pattern' && s.name.name === symbol.name,
    );
    const transposed =
        statement?.kind === 'pattern' && statement.call.callee.name === 'conv_transpose';
    const {
        input: I,
        output: O,
        kernel: K,
        stride: S,
        dilation: D,
        padLeft: L,
        padRight: R,
    } = pattern;
    const formula = transposed
        ? [
              'I = (O - 1)·S - Pl - Pr + D·(K - 1) + 1 + output_padding',
              `  = (${O} - 1)·${S} - ${L} - ${R} + ${D}·(${K} - 1) + 1 + ${I - ((O - 1) * S - L - R + D * (K - 1) + 1)}`,
              `  = ${I}`,
          ]
        : [
              'O = ⌊(I + Pl + Pr - D·(K - 1) - 1) / S⌋ + 1',
              `  = ⌊(${I} + ${L} + ${R} - ${D}·(${K} - 1) - 1) / ${S}⌋ + 1`,
              `  = ${O}`,
          ];
    return [
        code(`pattern ${symbol.name}[${I}, ${O}, ${K}]`),
        `Index pattern [input ${I}, output ${O}, kernel ${K}]: stride ${S}, dilation ${D}, padding (${L}, ${R}); ${exactCount(nonZeros(pattern))} non-zeros of ${exactCount(I * O * K)}.`,
        code(formula.join('\n')),
    ].join('\n\n');
}

function nonZeros(p: PatternSpec): number {
    let count = 0;
    for (let k = 0; k < p.kernel; k++) {
        // The output positions o with 0 <= S*o + D*k - Pl < I.
        const low = Math.max(0, Math.ceil((p.padLeft - p.dilation * k) / p.stride));
        const high = Math.min(
            p.output - 1,
            Math.floor((p.input - 1 + p.padLeft - p.dilation * k) / p.stride),
        );
        if (high >= low) count += high - low + 1;
    }
    return count;
}

function equationHover(
    state: DocumentState,
    symbol: SymbolInfo,
    equation: EquationInfo | undefined,
): string {
    const head = tensorHover(symbol, 'tensor');
    if (equation === undefined) return head;
    const terms = equation.network?.terms.length ?? 0;
    const how = [
        equation.form === undefined
            ? 'Defined in index notation'
            : `Defined by \`${equation.form}\``,
        terms > 1 ? `, ${terms} terms` : '',
        '.',
    ].join('');
    const cost = state.cost(equation);
    if (cost === undefined) return [head, how].join('\n\n');
    return [head, how, costReport(cost)].join('\n\n');
}

/** The cost report as markdown: a table of totals, then the path as steps. */
export function costReport(cost: NetworkCost): string {
    const optimizer = cost.terms[0]?.optimizer ?? 'auto';
    const rows = [
        ['naive FLOPs', `${shortCount(cost.naiveFlops)} (${exactCount(cost.naiveFlops)})`],
        ['optimised FLOPs', `${shortCount(cost.flops)} (${exactCount(cost.flops)})`],
        ['speedup', ratio(cost.speedup)],
        [
            'structured FLOPs',
            `${shortCount(cost.structuredFlops)} (${exactCount(cost.structuredFlops)})`,
        ],
        ['largest intermediate', `${exactCount(cost.largestIntermediate)} elements`],
        ['peak memory', bytes(cost.peakMemoryBytes)],
    ];
    const table = [
        '| cost | |',
        '| --- | --- |',
        ...rows.map(([name, value]) => `| ${name} | ${value} |`),
    ];
    const paths = cost.terms.map((term, number) => {
        const title = cost.terms.length > 1 ? `Term ${number + 1}, path` : 'Path';
        const steps = term.steps.map((step, index) => {
            const operands = step.operandNames
                .map((name, i) => `${name}[${(step.operandIndices[i] ?? []).join(',')}]`)
                .join(' · ');
            const summed = step.summed.length > 0 ? `, summing ${step.summed.join(', ')}` : '';
            return `${index + 1}. ${operands} → #${index + 1}[${step.indices.join(',')}]${summed}: ${shortCount(step.flops)} FLOPs`;
        });
        const note = term.complete ? [] : ['', `Search incomplete: ${term.incomplete ?? ''}.`];
        return [
            `${title} (\`${optimizer}\`, ${JSON.stringify(term.path)}):`,
            '',
            ...steps,
            ...note,
        ].join('\n');
    });
    return [table.join('\n'), ...paths].join('\n\n');
}

/** Hovers for words that are not names of the file: keywords, built-ins, element types. */
function wordHover(word: string, line: string, end: number): string | undefined {
    if (KEYWORD_DOCS[word] !== undefined) return code(word) + '\n\n' + KEYWORD_DOCS[word];
    if (ELEMENT_TYPES[word] !== undefined) return code(word) + '\n\n' + ELEMENT_TYPES[word];
    if (/^\s*\(/.test(line.slice(end))) {
        const context = /^\s*pattern\b/.test(line) ? 'pattern' : 'equation';
        const builtin = builtinFor(word, context);
        if (builtin !== undefined) return code(signatureLabel(builtin)) + '\n\n' + builtin.doc;
    }
    return undefined;
}
