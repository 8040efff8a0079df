/** The `.tnet` syntax tree: every node carries its range (0-based line, UTF-16 character). */
import type { Range } from '../network/ir';

export interface Identifier {
    name: string;
    range: Range;
}

export type Expression =
    | { kind: 'number'; value: number; text: string; integer: boolean; range: Range }
    | { kind: 'string'; value: string; range: Range }
    | { kind: 'name'; name: string; range: Range }
    | { kind: 'unary'; operator: '-' | '+'; operand: Expression; range: Range }
    | {
          kind: 'binary';
          operator: '+' | '-' | '*' | '/' | '//' | '%';
          left: Expression;
          right: Expression;
          range: Range;
      }
    | { kind: 'paren'; inner: Expression; range: Range }
    | { kind: 'tuple'; items: Expression[]; range: Range };

export interface Argument {
    /** The keyword of `stride=2`; absent for a positional argument. */
    keyword?: Identifier;
    value: Expression;
    range: Range;
}

export interface Call {
    callee: Identifier;
    args: Argument[];
    range: Range;
}

/** One axis on either side of an equation: an index, or a grouped axis `(c, i, j)`. */
export type Axis =
    | { kind: 'index'; name: Identifier; range: Range }
    | { kind: 'group'; parts: Identifier[]; range: Range };

export type Factor =
    | { kind: 'tensor'; name: Identifier; axes: Axis[]; range: Range }
    /** A scale: a number, a size, or a parenthesised expression of them; `divide` after a `/`. */
    | { kind: 'scale'; expression: Expression; divide: boolean; range: Range };

export interface EquationTerm {
    sign: 1 | -1;
    factors: Factor[];
    range: Range;
}

export interface SizeDefinition {
    name: Identifier;
    value: Expression;
    range: Range;
}

export type Statement =
    | { kind: 'size'; definitions: SizeDefinition[]; range: Range }
    | {
          kind: 'tensor';
          name: Identifier;
          dims: Expression[];
          dtype?: Identifier;
          range: Range;
      }
    | { kind: 'pattern'; name: Identifier; call: Call; range: Range }
    /** `Y[n, d] = ...` in index notation; `axes` is absent for a scalar written `Y = ...`. */
    | { kind: 'equation'; name: Identifier; axes?: Axis[]; terms: EquationTerm[]; range: Range }
    /** `Y = conv(...)`, `Y = einsum(...)`, `Y = vjp(...)`. */
    | { kind: 'call'; name: Identifier; call: Call; range: Range };

export interface SyntaxError {
    message: string;
    range: Range;
}

/**
 * A statement dropped for a syntax error, with the names it would have defined: analysis enters
 * them without a value or shape, so that later uses raise no second error.
 */
export interface BrokenStatement {
    declares: 'size' | 'tensor' | 'pattern' | 'equation';
    names: Identifier[];
    range: Range;
}

export interface SyntaxTree {
    statements: Statement[];
    errors: SyntaxError[];
    broken: BrokenStatement[];
    /** Every name written in a statement that failed to parse: they count as used (no W101). */
    mentioned: Set<string>;
}
