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

export function targetAt(analysis: Analysis, position: Position): Target | undefined {
    const equation = equationAtLine(analysis, position.line);
    if (equation !== undefined) {
        for (const index of equation.indices) {
            const range = index.occurrences.find((occurrence) => touches(occurrence, position));
            if (range !== undefined) return { kind: 'index', equation, index, range };
        }
    }
    for (const symbol of analysis.symbols) {
        if (touches(symbol.nameRange, position)) {
            return { kind: 'symbol', symbol, range: symbol.nameRange, definition: true };
        }
        const range = symbol.references.find((reference) => touches(reference, position));
        if (range !== undefined) return { kind: 'symbol', symbol, range, definition: false };
    }
    return undefined;
}

/** Every place the target's name stands for the same thing, the defining one first. */
export function occurrencesOf(target: Target): Range[] {
    if (target.kind === 'index') return target.index.occurrences;
    return [target.symbol.nameRange, ...target.symbol.references];
}
