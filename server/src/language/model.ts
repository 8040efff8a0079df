/**
 * The semantic model of a `.tnet` file: what analysis hands to every view (the language server,
 * the command line, the diagram, the runtime). Pure data; positions are 0-based, as in LSP.
 */
import type { DType, Network, PatternSpec, Range } from '../network/ir';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Stable diagnostic codes; the language reference documents each with an example. */
export type DiagnosticCode =
    | 'E001'
    | 'E002'
    | 'E003'
    | 'E004'
    | 'E005'
    | 'E006'
    | 'E007'
    | 'E008'
    | 'E009'
    | 'E010'
    | 'W101'
    | 'W102'
    | 'W103'
    | 'I201';

export interface RelatedInformation {
    message: string;
    range: Range;
}

export interface Diagnostic {
    code: DiagnosticCode;
    severity: Severity;
    message: string;
    range: Range;
    related?: RelatedInformation[];
    /**
     * What a quick fix needs, by code: E002 `{ suggestion }`; E004 the two sizes and places;
     * E006/E007 the nearest valid hyper-parameters; I201 the simplification.
     */
    data?: Record<string, unknown>;
}

export type SymbolKind = 'size' | 'tensor' | 'pattern' | 'equation';

/** A name defined at the top level of a file. */
export interface SymbolInfo {
    name: string;
    kind: SymbolKind;
    /** The defining occurrence of the name. */
    nameRange: Range;
    /** The whole defining statement. */
    statementRange: Range;
    /** Every other occurrence of the name in the file. */
    references: Range[];
    /** For a size: its value, and the expression it was written as. */
    value?: number;
    expression?: string;
    /** For a tensor, a pattern or an equation: the shape (absent when it could not be inferred). */
    shape?: number[];
    dtype?: DType;
    pattern?: PatternSpec;
}

/** An index inside one statement: its size and every place it labels an axis. */
export interface IndexInfo {
    name: string;
    size: number;
    /** Every occurrence in the statement, in source order. */
    occurrences: Range[];
    /** The occurrence whose axis fixed the size, and a phrase saying which axis that is. */
    sizeFrom: Range;
    sizeReason: string;
    /** True when the index is not on the left side (summed). */
    summed: boolean;
}

/** An equation or built-in call statement that defines a tensor. */
export interface EquationInfo {
    name: string;
    /** The defining occurrence of the name. */
    nameRange: Range;
    statementRange: Range;
    /** The network, absent when the statement has an error that leaves it undefined. */
    network?: Network;
    indices: IndexInfo[];
    /** The built-in it calls (`conv`, `vjp`, ...), or `einsum`, or undefined for index notation. */
    form?: string;
}

export interface Analysis {
    diagnostics: Diagnostic[];
    /** Top-level definitions in source order. */
    symbols: SymbolInfo[];
    equations: EquationInfo[];
}
