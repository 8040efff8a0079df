/**
 * The cost model's diagnostics (W103 memory budget, I201 simplifications) per equation, cached by
 * what they depend on: the equation's network and its statement's text. An edit then recomputes
 * only the statements it changed, and a cached result moves with its statement.
 */
import { budgetDiagnostics, simplificationHints } from '../cost/diagnose';
import type { Analysis, Diagnostic, EquationInfo } from '../language/model';
import type { Position, Range } from '../network/ir';
import { networkFingerprint } from './cost';
import type { TnetSettings } from './protocol';

interface Entry {
    origin: Position;
    diagnostics: Diagnostic[];
}

/** Enough for a few large files; past it the cache starts over. */
const CAPACITY = 50_000;

export class CostDiagnostics {
    private readonly cache = new Map<string, Entry>();
    /**
     * The diagnostics of equations met before, by identity: incremental analysis hands an
     * unchanged statement's equation on to the next version as the same object, at the same place.
     */
    private known = new WeakMap<EquationInfo, Diagnostic[]>();
    private budget = 0;

    setSettings(settings: TnetSettings): void {
        const budget = settings.memoryBudgetBytes > 0 ? settings.memoryBudgetBytes : Infinity;
        if (budget !== this.budget) {
            this.cache.clear();
            this.known = new WeakMap();
        }
        this.budget = budget;
    }

    private key(equation: EquationInfo, lines: readonly string[]): string {
        const { start, end } = equation.statementRange;
        const text =
            start.line === end.line
                ? lines[start.line]!
                : lines.slice(start.line, end.line + 1).join('\n');
        return `${text}\u0000${networkFingerprint(equation.network!)}`;
    }

    /** The cached diagnostics of the equation, moved to where it stands now; undefined if none. */
    cached(equation: EquationInfo, lines: readonly string[]): Diagnostic[] | undefined {
        if (equation.network === undefined) return [];
        const known = this.known.get(equation);
        if (known !== undefined) return known;
        const entry = this.cache.get(this.key(equation, lines));
        if (entry === undefined) return undefined;
        const diagnostics = entry.diagnostics.map((d) =>
            moved(d, entry.origin, equation.statementRange.start),
        );
        this.known.set(equation, diagnostics);
        return diagnostics;
    }

    compute(equation: EquationInfo, lines: readonly string[]): Diagnostic[] {
        if (equation.network === undefined) return [];
        const single: Analysis = { diagnostics: [], symbols: [], equations: [equation] };
        const diagnostics = [
            ...simplificationHints(single),
            ...budgetDiagnostics(single, { memoryBudgetBytes: this.budget }),
        ];
        if (this.cache.size >= CAPACITY) this.cache.clear();
        this.cache.set(this.key(equation, lines), {
            origin: equation.statementRange.start,
            diagnostics,
        });
        this.known.set(equation, diagnostics);
        return diagnostics;
    }
}

function movedPosition(position: Position, from: Position, to: Position): Position {
    const line = position.line - from.line + to.line;
    const character =
        position.line === from.line
            ? position.character - from.character + to.character
            : position.character;
    return { line, character };
}

function movedRange(range: Range, from: Position, to: Position): Range {
    return { start: movedPosition(range.start, from, to), end: movedPosition(range.end, from, to) };
}

function moved(diagnostic: Diagnostic, from: Position, to: Position): Diagnostic {
    if (from.line === to.line && from.character === to.character) return diagnostic;
    return {
        ...diagnostic,
        range: movedRange(diagnostic.range, from, to),
        ...(diagnostic.related === undefined
            ? {}
            : {
                  related: diagnostic.related.map((info) => ({
                      ...info,
                      range: movedRange(info.range, from, to),
                  })),
              }),
    };
}
