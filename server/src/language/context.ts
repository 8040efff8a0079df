/** The state of one analysis: the names defined so far, their uses, and the diagnostics found. */
import type { DType, Network, PatternSpec, Range } from '../network/ir';
import type { Identifier } from './ast';
import type { Diagnostic, DiagnosticCode, RelatedInformation, Severity, SymbolInfo } from './model';

/** A top-level name with what later statements need of it; `shape`/`value` absent means poisoned. */
export interface Entity {
    symbol: SymbolInfo;
    /** For an equation (or call): the network that defines it, used by `vjp` and `jvp`. */
    network?: Network;
}

export interface DiagnosticExtras {
    related?: RelatedInformation[];
    data?: Record<string, unknown>;
}

/** Edit distance, for suggesting the closest defined name. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
        }
        previous = current;
    }
    return previous[b.length]!;
}

/** The candidate nearest to `name`, if any is near enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const candidate of candidates) {
        if (candidate === name) continue;
        // Between equally near candidates, one with the same first letter is the likelier typo.
        const sameStart = candidate[0]?.toLowerCase() === name[0]?.toLowerCase() ? 0.25 : 0;
        const score =
            candidate.toLowerCase() === name.toLowerCase()
                ? 0.5
                : editDistance(name.toLowerCase(), candidate.toLowerCase()) - sameStart;
        if (score < bestScore) {
            best = candidate;
            bestScore = score;
        }
    }
    // Any two one-letter names are one edit apart: suggest for them only a change of case or an
    // added character with the same first letter.
    const limit = name.length === 1 ? 0.75 : Math.max(1, Math.floor(name.length / 2));
    return bestScore <= limit ? best : undefined;
}

export function formatShape(shape: readonly number[]): string {
    return `[${shape.join(', ')}]`;
}

export function lineOf(range: Range): number {
    return range.start.line + 1;
}

export class Context {
    readonly diagnostics: Diagnostic[] = [];
    readonly symbols: SymbolInfo[] = [];
    private readonly table = new Map<string, Entity>();
    private readonly undefinedNames = new Map<string, Diagnostic>();

    /** Every name that some statement of the file defines, to tell "later" from "nowhere". */
    constructor(private readonly definedLater: Map<string, Range>) {}

    report(
        code: DiagnosticCode,
        severity: Severity,
        message: string,
        range: Range,
        extras: DiagnosticExtras = {},
    ): void {
        const diagnostic: Diagnostic = { code, severity, message, range };
        if (extras.related !== undefined && extras.related.length > 0) {
            diagnostic.related = extras.related;
        }
        if (extras.data !== undefined) diagnostic.data = extras.data;
        this.diagnostics.push(diagnostic);
    }

    error(code: DiagnosticCode, message: string, range: Range, extras?: DiagnosticExtras): void {
        this.report(code, 'error', message, range, extras);
    }

    /** Adds a definition; a second definition of a name is E008 and is not entered. */
    define(symbol: SymbolInfo, network?: Network): Entity | undefined {
        const existing = this.table.get(symbol.name);
        if (existing !== undefined) {
            this.error(
                'E008',
                `\`${symbol.name}\` is already defined on line ${lineOf(existing.symbol.nameRange)}`,
                symbol.nameRange,
                {
                    related: [
                        {
                            message: `\`${symbol.name}\` is first defined here`,
                            range: existing.symbol.nameRange,
                        },
                    ],
                },
            );
            return undefined;
        }
        const entity: Entity = network === undefined ? { symbol } : { symbol, network };
        this.table.set(symbol.name, entity);
        this.symbols.push(symbol);
        return entity;
    }

    has(name: string): boolean {
        return this.table.has(name);
    }

    /** Looks a name up and records the use; an unknown name is E002 with the nearest suggestion. */
    resolve(identifier: Identifier, what = 'name'): Entity | undefined {
        const entity = this.table.get(identifier.name);
        if (entity !== undefined) {
            entity.symbol.references.push(identifier.range);
            return entity;
        }
        this.undefinedName(identifier, [...this.table.keys()], what);
        return undefined;
    }

    undefinedName(identifier: Identifier, candidates: string[], what = 'name'): void {
        // One diagnostic per undefined name: later uses join it as related places.
        const earlier = this.undefinedNames.get(identifier.name);
        if (earlier !== undefined) {
            earlier.related ??= [];
            earlier.related.push({
                message: `\`${identifier.name}\` is also used here`,
                range: identifier.range,
            });
            return;
        }
        const later = this.definedLater.get(identifier.name);
        const suggestion = closestName(identifier.name, candidates);
        let message =
            later !== undefined && later.start.line >= identifier.range.start.line
                ? `\`${identifier.name}\` is used before its definition on line ${lineOf(later)}`
                : `undefined ${what} \`${identifier.name}\``;
        if (suggestion !== undefined) message += `; did you mean \`${suggestion}\`?`;
        this.error(
            'E002',
            message,
            identifier.range,
            suggestion === undefined ? {} : { data: { suggestion } },
        );
        this.undefinedNames.set(identifier.name, this.diagnostics[this.diagnostics.length - 1]!);
    }

    names(): string[] {
        return [...this.table.keys()];
    }

    /** The element type of a result: the widest of its tensor operands' (f32 when there are none). */
    static promote(dtypes: readonly DType[]): DType {
        if (dtypes.length === 0) return 'f32';
        if (dtypes.includes('f64')) return 'f64';
        if (dtypes.includes('f32')) return 'f32';
        return 'f16';
    }
}

export function patternShape(pattern: PatternSpec): number[] {
    return [pattern.input, pattern.output, pattern.kernel];
}
