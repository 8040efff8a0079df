/** What a position in a document refers to: a top-level name, or an index of one statement. */
import type { Position, Range } from '../network/ir';
import type { Analysis, EquationInfo, IndexInfo, SymbolInfo } from '../language/model';
import { touches } from './text';

export type Target =
    | { kind: 'symbol'; symbol: SymbolInfo; range: Range; definition: boolean }
    | { kind: 'index'; equation: EquationInfo; index: IndexInfo; range: Range };

/** The equation whose statement covers the line, if any. */
export function equationAtLine(analysis: Analysis, line: number): EquationInfo | undefined {
    return analysis.equations.find(
        (equation) =>
            equation.statementRange.start.line <= line && line <= equation.statementRange.end.line,
    );
}

export function symbolNamed(analysis: Analysis, name: string): SymbolInfo | undefined {
    return analysis.symbols.find((symbol) => symbol.name === name);
}

/** Every occurrence of a name, by line, built once per analysis so that lookups stay O(line). */
const byLine = new WeakMap<Analysis, Map<number, Target[]>>();

function occurrencesByLine(analysis: Analysis): Map<number, Target[]> {
    let lines = byLine.get(analysis);
    if (lines !== undefined) return lines;
    const built = new Map<number, Target[]>();
    const add = (target: Target): void => {
        const line = target.range.start.line;
        const list = built.get(line);
        if (list === undefined) built.set(line, [target]);
        else list.push(target);
    };
    for (const equation of analysis.equations) {
        for (const index of equation.indices) {
            for (const range of index.occurrences) add({ kind: 'index', equation, index, range });
        }
    }
    for (const symbol of analysis.symbols) {
        add({ kind: 'symbol', symbol, range: symbol.nameRange, definition: true });
        for (const range of symbol.references) {
            add({ kind: 'symbol', symbol, range, definition: false });
        }
    }
    lines = built;
    byLine.set(analysis, lines);
    return lines;
}

/** The name at a position; an index of the statement wins over a top-level name. */
export function targetAt(analysis: Analysis, position: Position): Target | undefined {
    const candidates = occurrencesByLine(analysis).get(position.line) ?? [];
    const touching = candidates.filter((target) => touches(target.range, position));
    return touching.find((target) => target.kind === 'index') ?? touching[0];
}

/** Every place the target's name stands for the same thing, the defining one first. */
export function occurrencesOf(target: Target): Range[] {
    if (target.kind === 'index') return target.index.occurrences;
    return [target.symbol.nameRange, ...target.symbol.references];
}
