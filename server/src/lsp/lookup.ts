/** What a position in a document refers to: a top-level name, or an index of one statement. */
import type { Position, Range } from '../network/ir';
import type { Analysis, EquationInfo, IndexInfo, SymbolInfo } from '../language/model';
import { touches } from './text';

export type Target =
    | { kind: 'symbol'; symbol: SymbolInfo; range: Range; definition: boolean }
    | { kind: 'index'; equation: EquationInfo; index: IndexInfo; range: Range };

/** The equation whose statement covers the line, if any (equations are in source order). */
export function equationAtLine(analysis: Analysis, line: number): EquationInfo | undefined {
    const equations = analysis.equations;
    let low = 0;
    let high = equations.length - 1;
    while (low <= high) {
        const middle = (low + high) >> 1;
        const range = equations[middle]!.statementRange;
        if (range.end.line < line) low = middle + 1;
        else if (range.start.line > line) high = middle - 1;
        else return equations[middle];
    }
    return undefined;
}

export function symbolNamed(analysis: Analysis, name: string): SymbolInfo | undefined {
    return analysis.symbols.find((symbol) => symbol.name === name);
}

/** The targets found on each line asked about so far, per analysis. */
const byLine = new WeakMap<Analysis, Map<number, Target[]>>();

/** The symbols with an occurrence on each line, built once per analysis (no copies, just links). */
const symbolLines = new WeakMap<Analysis, Map<number, SymbolInfo[]>>();

function symbolsByLine(analysis: Analysis): Map<number, SymbolInfo[]> {
    let lines = symbolLines.get(analysis);
    if (lines !== undefined) return lines;
    lines = new Map();
    const add = (line: number, symbol: SymbolInfo): void => {
        const list = lines!.get(line);
        if (list === undefined) lines!.set(line, [symbol]);
        else if (list[list.length - 1] !== symbol) list.push(symbol);
    };
    for (const symbol of analysis.symbols) {
        add(symbol.nameRange.start.line, symbol);
        for (const range of symbol.references) add(range.start.line, symbol);
    }
    symbolLines.set(analysis, lines);
    return lines;
}

/** Every occurrence of a name on one line: a scan of the analysis, remembered for the line. */
function targetsOnLine(analysis: Analysis, line: number): Target[] {
    let lines = byLine.get(analysis);
    if (lines === undefined) {
        lines = new Map();
        byLine.set(analysis, lines);
    }
    const known = lines.get(line);
    if (known !== undefined) return known;
    const found: Target[] = [];
    const equation = equationAtLine(analysis, line);
    for (const index of equation?.indices ?? []) {
        for (const range of index.occurrences) {
            if (range.start.line === line)
                found.push({ kind: 'index', equation: equation!, index, range });
        }
    }
    for (const symbol of symbolsByLine(analysis).get(line) ?? []) {
        if (found.some((target) => target.kind === 'symbol' && target.symbol === symbol)) continue;
        if (symbol.nameRange.start.line === line) {
            found.push({ kind: 'symbol', symbol, range: symbol.nameRange, definition: true });
        }
        for (const range of symbol.references) {
            if (range.start.line === line) {
                found.push({ kind: 'symbol', symbol, range, definition: false });
            }
        }
    }
    lines.set(line, found);
    return found;
}

/** The name at a position; an index of the statement wins over a top-level name. */
export function targetAt(analysis: Analysis, position: Position): Target | undefined {
    const candidates = targetsOnLine(analysis, position.line);
    const touching = candidates.filter((target) => touches(target.range, position));
    return touching.find((target) => target.kind === 'index') ?? touching[0];
}

/** Every place the target's name stands for the same thing, the defining one first. */
export function occurrencesOf(target: Target): Range[] {
    if (target.kind === 'index') return target.index.occurrences;
    return [target.symbol.nameRange, ...target.symbol.references];
}
