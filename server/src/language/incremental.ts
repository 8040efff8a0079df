/**
 * Incremental analysis: `analyze()` of a new version of a text, reusing the checks of the
 * statements an edit left alone.
 *
 * Each checked statement is recorded under a key made of its source text, its start position and,
 * for every word in it, the identity of the definition that word names at that point (or none).
 * What a statement does to the analysis is a function of exactly these, as long as it uses no
 * undefined name: its syntax tree and ranges follow from its text and start; it reads the
 * definitions before it only through names it writes (`Context.resolve`, `lookup`, `has`), and a
 * second definition (E008) is of a name it writes too. Only an undefined name reads more (every
 * name defined, for a suggestion; the later definitions, for "used before"; the earlier uses of
 * the same name), so such a statement is checked afresh each time and is never recorded.
 *
 * Replaying a record does what checking did: the same diagnostics in the same order, the same
 * symbols (new objects, with the references they had at the statement's end) bound with the same
 * networks, the same ranges appended to the references of the earlier symbols it used, and the same
 * equations. What depends on the whole file is not recorded but redone by `analyzeParsed`: syntax
 * errors, the statements dropped for one, W101 (which needs the uses after a definition) and the
 * order of the diagnostics. A definition's identity is the record it came from, so a statement
 * that reads a changed definition has a new key and is checked again, and so on down the file.
 * Only the records used by the latest version are kept.
 */
import type { Network, Range } from '../network/ir';
import { analyzeParsed, type StatementReuse } from './analyze';
import type { Statement } from './ast';
import type { Context } from './context';
import type { Analysis, Diagnostic, EquationInfo, SymbolInfo } from './model';
import type { ParsedFile } from './parser';

interface Recorded {
    /** Names the definitions made by this statement: `${id}.${n}` is the n-th. */
    id: number;
    /** Every word of the statement, and the identity of what each named before it (or none). */
    names: string[];
    identities: (string | undefined)[];
    diagnostics: Diagnostic[];
    /** Each symbol the statement entered, as it stood at the statement's end, with its network. */
    defined: { symbol: SymbolInfo; network: Network | undefined }[];
    /** The ranges the statement added to the references of names defined before it. */
    uses: { name: string; ranges: Range[] }[];
    equations: EquationInfo[];
}

/** Analyses successive versions of one document, each equal to a fresh `analyze()` of its text. */
export class IncrementalAnalysis {
    private records = new Map<string, Recorded>();
    private nextId = 0;
    /** Statements checked and replayed by the latest `analyze`, for tests and benchmarks. */
    checked = 0;
    replayed = 0;

    analyze(text: string, parsed: ParsedFile): Analysis {
        const run = new Run(text, this.records, () => this.nextId++);
        const analysis = analyzeParsed(text, parsed, run);
        this.records = run.kept;
        this.checked = run.checked;
        this.replayed = run.replayed;
        return analysis;
    }
}

/** The state before a statement that is being checked, to record what the check changed. */
interface Pending {
    key: string;
    names: string[];
    identities: (string | undefined)[];
    referenceCounts: number[];
    diagnostics: number;
    symbols: number;
    equations: number;
    undefinedUses: number;
}

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

class Run implements StatementReuse {
    readonly kept = new Map<string, Recorded>();
    checked = 0;
    replayed = 0;
    private readonly lines: string[];
    private readonly identities = new Map<SymbolInfo, string>();
    /** How many of the context's symbols have an identity. */
    private identified = 0;
    private pending: Pending | undefined;

    constructor(
        text: string,
        private readonly records: Map<string, Recorded>,
        private readonly newId: () => number,
    ) {
        this.lines = text.split(/\r\n|\r|\n/);
    }

    replay(context: Context, statement: Statement, equations: EquationInfo[]): boolean {
        this.identifyEntered(context);
        const { start, end } = statement.range;
        const text =
            start.line === end.line
                ? this.lines[start.line]!.slice(start.character, end.character)
                : [
                      this.lines[start.line]!.slice(start.character),
                      ...this.lines.slice(start.line + 1, end.line),
                      this.lines[end.line]!.slice(0, end.character),
                  ].join('\n');
        const key = `${start.line}:${start.character}\u0000${text}`;
        const record = this.records.get(key);
        if (record === undefined || !this.sameDefinitions(context, record)) {
            const names = [...new Set(text.match(WORD) ?? [])];
            const bound = names.map((name) => context.lookup(name));
            this.pending = {
                key,
                names,
                identities: bound.map((entity) => entity && this.identities.get(entity.symbol)),
                referenceCounts: bound.map((entity) => entity?.symbol.references.length ?? 0),
                diagnostics: context.diagnostics.length,
                symbols: context.symbols.length,
                equations: equations.length,
                undefinedUses: context.undefinedUses,
            };
            this.checked++;
            return false;
        }
        context.diagnostics.push(...record.diagnostics);
        for (const use of record.uses) {
            context.lookup(use.name)!.symbol.references.push(...use.ranges);
        }
        record.defined.forEach(({ symbol, network }, n) => {
            const copy: SymbolInfo = { ...symbol, references: [...symbol.references] };
            context.define(copy, network);
            this.identities.set(copy, `${record.id}.${n}`);
        });
        this.identified = context.symbols.length;
        equations.push(...record.equations);
        this.kept.set(key, record);
        this.replayed++;
        return true;
    }

    record(context: Context, _statement: Statement, equations: EquationInfo[]): void {
        const pending = this.pending!;
        this.pending = undefined;
        const entered = context.symbols.slice(pending.symbols);
        const uses: Recorded['uses'] = [];
        let recordable = context.undefinedUses === pending.undefinedUses;
        pending.names.forEach((name, at) => {
            const entity = context.lookup(name);
            if (entity === undefined || entered.includes(entity.symbol)) return;
            const references = entity.symbol.references;
            const before = pending.referenceCounts[at]!;
            if (references.length < before) recordable = false;
            else if (references.length > before)
                uses.push({ name, ranges: references.slice(before) });
        });
        if (!recordable) {
            for (const symbol of entered) this.identities.set(symbol, `u${this.newId()}`);
            this.identified = context.symbols.length;
            return;
        }
        const record: Recorded = {
            id: this.newId(),
            names: pending.names,
            identities: pending.identities,
            diagnostics: context.diagnostics.slice(pending.diagnostics),
            defined: entered.map((symbol) => ({
                symbol: { ...symbol, references: [...symbol.references] },
                network: context.lookup(symbol.name)!.network,
            })),
            uses,
            equations: equations.slice(pending.equations),
        };
        entered.forEach((symbol, n) => this.identities.set(symbol, `${record.id}.${n}`));
        this.identified = context.symbols.length;
        this.kept.set(pending.key, record);
    }

    /** True when each word of the recorded statement names what it named when it was checked. */
    private sameDefinitions(context: Context, record: Recorded): boolean {
        for (let at = 0; at < record.names.length; at++) {
            const entity = context.lookup(record.names[at]!);
            const identity = entity && this.identities.get(entity.symbol);
            if (identity !== record.identities[at]) return false;
        }
        return true;
    }

    /**
     * Names the symbols entered since the last statement, by the statements dropped for a syntax
     * error: they carry only their name, kind and ranges, and no use has been recorded yet.
     */
    private identifyEntered(context: Context): void {
        for (; this.identified < context.symbols.length; this.identified++) {
            const symbol = context.symbols[this.identified]!;
            this.identities.set(symbol, `b${JSON.stringify(symbol)}`);
        }
    }
}
