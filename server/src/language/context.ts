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
    return boundedEditDistance(a, b, Infinity);
}

/** Two rows of the distance table, reused across calls: a suggestion may compare thousands. */
let previousRow = new Int32Array(64);
let currentRow = new Int32Array(64);

/**
 * The edit distance of `a` and `b` when it is at most `cap`, else some number above `cap`: once
 * every entry of a row exceeds `cap`, so does the distance, and the rest of the table is skipped.
 */
function boundedEditDistance(a: string, b: string, cap: number): number {
    if (previousRow.length <= b.length) {
        previousRow = new Int32Array(b.length + 1);
        currentRow = new Int32Array(b.length + 1);
    }
    let previous = previousRow;
    let current = currentRow;
    for (let j = 0; j <= b.length; j++) previous[j] = j;
    for (let i = 1; i <= a.length; i++) {
        current[0] = i;
        let rowMinimum = i;
        const code = a.charCodeAt(i - 1);
        for (let j = 1; j <= b.length; j++) {
            const cost = code === b.charCodeAt(j - 1) ? 0 : 1;
            const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
            current[j] = value;
            if (value < rowMinimum) rowMinimum = value;
        }
        if (rowMinimum > cap) return rowMinimum;
        const finished = previous;
        previous = current;
        current = finished;
    }
    return previous[b.length]!;
}

/** The candidate nearest to `name`, if any is near enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
    // Any two one-letter names are one edit apart: suggest for them only a change of case or an
    // added character with the same first letter.
    const limit = name.length === 1 ? 0.75 : Math.max(1, Math.floor(name.length / 2));
    const lower = name.toLowerCase();
    // A distance above this scores above the limit even with the same first letter; such a
    // candidate is never suggested and never displaces one that is, so its exact distance is moot.
    const distanceCap = Math.floor(limit + 0.25);
    let best: string | undefined;
    let bestScore = Infinity;
    for (const candidate of candidates) {
        if (candidate === name) continue;
        const candidateLower = candidate.toLowerCase();
        // The edit distance is at least the difference in length, so a candidate this much
        // longer or shorter scores above the limit and can be neither the answer nor change it:
        // skipping it saves the distance over every name of a large file.
        if (Math.abs(candidateLower.length - lower.length) - 0.25 > limit) continue;
        // Between equally near candidates, one with the same first letter is the likelier typo.
        const sameStart = candidate[0]?.toLowerCase() === name[0]?.toLowerCase() ? 0.25 : 0;
        const score =
            candidateLower === lower
                ? 0.5
                : boundedEditDistance(lower, candidateLower, distanceCap) - sameStart;
        if (score < bestScore) {
            best = candidate;
            bestScore = score;
        }
    }
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
    /** How many uses of undefined names were seen: their messages depend on every name defined. */
    undefinedUses = 0;

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

    /** The entity a name is bound to, without recording a use. */
    lookup(name: string): Entity | undefined {
        return this.table.get(name);
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
        this.undefinedName(identifier, () => this.table.keys(), what);
        return undefined;
    }

    /** `candidates` is called only for the first use of the name, which alone gets a suggestion. */
    undefinedName(identifier: Identifier, candidates: () => Iterable<string>, what = 'name'): void {
        this.undefinedUses++;
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
        const suggestion = closestName(identifier.name, candidates());
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
