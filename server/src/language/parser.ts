/**
 * The `.tnet` parser: tokens to a syntax tree, one statement per logical line. A syntax error ends
 * its statement only: the parser reports it and resumes at the next line.
 */
import type { Range } from '../network/ir';
import type {
    Argument,
    BrokenStatement,
    Axis,
    Call,
    EquationTerm,
    Expression,
    Factor,
    Identifier,
    SizeDefinition,
    Statement,
    SyntaxError,
    SyntaxTree,
} from './ast';
import { closestName } from './context';
import { type Comment, KEYWORDS, lex, type Token } from './lexer';

export interface ParsedFile extends SyntaxTree {
    tokens: Token[];
    comments: Comment[];
}

/** Raised inside one statement and caught at its boundary: the statement is dropped, its error kept. */
class StatementError extends Error {
    constructor(
        message: string,
        readonly range: Range,
    ) {
        super(message);
    }
}

function span(start: Range, end: Range): Range {
    return { start: start.start, end: end.end };
}

function describe(token: Token): string {
    switch (token.kind) {
        case 'newline':
            return 'the end of the line';
        case 'eof':
            return 'the end of the file';
        case 'string':
            return `the string "${token.text}"`;
        case 'number':
            return `the number ${token.text}`;
        case 'name':
            return `\`${token.text}\``;
        default:
            return `\`${token.text}\``;
    }
}

/** Bounds on nesting and on operators per expression, so that evaluation never exhausts the stack. */
const MAX_NESTING = 100;
const MAX_OPERATORS = 1000;

class Parser {
    private index = 0;
    private nesting = 0;
    private operators = 0;

    constructor(private readonly tokens: Token[]) {}

    parseFile(): SyntaxTree {
        const statements: Statement[] = [];
        const errors: SyntaxError[] = [];
        const broken: BrokenStatement[] = [];
        const mentioned = new Set<string>();
        while (this.peek().kind !== 'eof') {
            if (this.peek().kind === 'newline') {
                this.index++;
                continue;
            }
            this.nesting = 0;
            const start = this.index;
            try {
                statements.push(this.statement());
            } catch (error) {
                if (!(error instanceof StatementError)) throw error;
                errors.push({ message: error.message, range: error.range });
                while (this.peek().kind !== 'newline' && this.peek().kind !== 'eof') this.index++;
                const recovered = this.recover(start, this.index);
                if (recovered !== undefined) broken.push(recovered);
                for (let at = start; at < this.index; at++) {
                    const token = this.tokens[at]!;
                    if (token.kind === 'name') mentioned.add(token.text);
                }
            }
        }
        return { statements, errors, broken, mentioned };
    }

    /** The names a statement that failed to parse meant to define (tokens `[start, end)`). */
    private recover(start: number, end: number): BrokenStatement | undefined {
        const tokens = this.tokens.slice(start, end);
        const first = tokens[0];
        if (first === undefined || first.kind !== 'name') return undefined;
        const range = span(first.range, tokens[tokens.length - 1]!.range);
        const named = (token: Token | undefined): Identifier[] =>
            token?.kind === 'name' ? [{ name: token.text, range: token.range }] : [];
        if (first.text === 'size') {
            const names: Identifier[] = [];
            tokens.forEach((token, at) => {
                const after = tokens[at + 1];
                if (token.kind === 'name' && after?.kind === 'punct' && after.text === '=') {
                    names.push({ name: token.text, range: token.range });
                }
            });
            return { declares: 'size', names, range };
        }
        if (first.text === 'tensor' || first.text === 'pattern') {
            return { declares: first.text, names: named(tokens[1]), range };
        }
        const second = tokens[1];
        if (second?.kind === 'name') {
            // `tensr X[...]`: a misspelt keyword; the name after it is what it defines.
            const keyword = closestName(first.text, KEYWORDS) ?? 'tensor';
            return {
                declares: keyword as 'size' | 'tensor' | 'pattern',
                names: named(second),
                range,
            };
        }
        if (second?.kind !== 'punct' || (second.text !== '[' && second.text !== '='))
            return undefined;
        return { declares: 'equation', names: named(first), range };
    }

    private peek(ahead = 0): Token {
        return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
    }

    private next(): Token {
        const token = this.peek();
        if (token.kind !== 'eof') this.index++;
        return token;
    }

    private previous(): Token {
        return this.tokens[Math.max(0, this.index - 1)]!;
    }

    private isPunct(text: string, ahead = 0): boolean {
        const token = this.peek(ahead);
        return token.kind === 'punct' && token.text === text;
    }

    private fail(expected: string, token = this.peek()): never {
        if (token.kind === 'invalid')
            throw new StatementError(token.problem ?? 'invalid token', token.range);
        throw new StatementError(`expected ${expected}, found ${describe(token)}`, token.range);
    }

    private expectPunct(text: string, what = `\`${text}\``): Token {
        if (!this.isPunct(text)) this.fail(what);
        return this.next();
    }

    private identifier(what: string): Identifier {
        const token = this.peek();
        if (token.kind !== 'name') this.fail(what);
        this.index++;
        return { name: token.text, range: token.range };
    }

    private endOfStatement(): void {
        const token = this.peek();
        if (token.kind !== 'newline' && token.kind !== 'eof') this.fail('the end of the statement');
    }

    private statement(): Statement {
        const first = this.peek();
        if (first.kind === 'name' && KEYWORDS.has(first.text)) {
            this.index++;
            if (first.text === 'size') return this.sizeStatement(first);
            if (first.text === 'tensor') return this.tensorStatement(first);
            return this.patternStatement(first);
        }
        if (first.kind !== 'name') this.fail('a statement (size, tensor, pattern or an equation)');
        if (this.peek(1).kind === 'name') {
            const keyword = closestName(first.text, KEYWORDS);
            throw new StatementError(
                keyword === undefined
                    ? `\`${first.text}\` does not start a statement: use size, tensor, pattern or an equation`
                    : `unknown keyword \`${first.text}\`; did you mean \`${keyword}\`?`,
                first.range,
            );
        }
        const name = this.identifier('a name');
        let axes: Axis[] | undefined;
        if (this.isPunct('[')) axes = this.axisList();
        this.expectPunct('=', axes === undefined ? '`[` or `=`' : '`=`');
        if (this.peek().kind === 'name' && this.isPunct('(', 1)) {
            const call = this.call();
            this.endOfStatement();
            if (axes !== undefined) {
                throw new StatementError(
                    `a call defines a whole tensor: write \`${name.name} = ${call.callee.name}(...)\` without indices`,
                    call.range,
                );
            }
            return { kind: 'call', name, call, range: span(first.range, call.range) };
        }
        const terms = this.terms();
        this.endOfStatement();
        const range = span(first.range, terms[terms.length - 1]!.range);
        return axes === undefined
            ? { kind: 'equation', name, terms, range }
            : { kind: 'equation', name, axes, terms, range };
    }

    private sizeStatement(keyword: Token): Statement {
        const definitions: SizeDefinition[] = [];
        do {
            const name = this.identifier('a size name');
            this.expectPunct('=');
            const value = this.expression();
            definitions.push({ name, value, range: span(name.range, value.range) });
        } while (this.isPunct(',') && this.next());
        this.endOfStatement();
        return {
            kind: 'size',
            definitions,
            range: span(keyword.range, definitions[definitions.length - 1]!.range),
        };
    }

    private tensorStatement(keyword: Token): Statement {
        const name = this.identifier('a tensor name');
        this.expectPunct('[', "`[` and the tensor's shape");
        const dims: Expression[] = [];
        if (!this.isPunct(']')) {
            do dims.push(this.expression());
            while (this.isPunct(',') && this.next() && !this.isPunct(']'));
        }
        const close = this.expectPunct(']', '`,` or `]`');
        let end = close.range;
        let dtype: Identifier | undefined;
        if (this.isPunct(':')) {
            this.index++;
            dtype = this.identifier('an element type (f16, f32 or f64)');
            end = dtype.range;
        }
        this.endOfStatement();
        const range = span(keyword.range, end);
        return dtype === undefined
            ? { kind: 'tensor', name, dims, range }
            : { kind: 'tensor', name, dims, dtype, range };
    }

    private patternStatement(keyword: Token): Statement {
        const name = this.identifier('a pattern name');
        this.expectPunct('=');
        if (!(this.peek().kind === 'name' && this.isPunct('(', 1))) {
            this.fail("a pattern call such as 'conv(in=H, kernel=3)'");
        }
        const call = this.call();
        this.endOfStatement();
        return { kind: 'pattern', name, call, range: span(keyword.range, call.range) };
    }

    private call(): Call {
        const callee = this.identifier('a function name');
        this.expectPunct('(');
        const args: Argument[] = [];
        while (!this.isPunct(')')) {
            if (this.peek().kind === 'name' && this.isPunct('=', 1)) {
                const keyword = this.identifier('an argument name');
                this.index++;
                const value = this.expression();
                args.push({ keyword, value, range: span(keyword.range, value.range) });
            } else {
                const value = this.expression();
                args.push({ value, range: value.range });
            }
            if (!this.isPunct(',')) break;
            this.index++;
        }
        const close = this.expectPunct(')', '`,` or `)`');
        return { callee, args, range: span(callee.range, close.range) };
    }

    private axisList(): Axis[] {
        this.expectPunct('[');
        const axes: Axis[] = [];
        if (!this.isPunct(']')) {
            do axes.push(this.axis());
            while (this.isPunct(',') && this.next() && !this.isPunct(']'));
        }
        this.expectPunct(']', '`,` or `]`');
        return axes;
    }

    private axis(): Axis {
        if (this.isPunct('(')) {
            const open = this.next();
            const parts: Identifier[] = [];
            do parts.push(this.identifier('an index name'));
            while (this.isPunct(',') && this.next());
            const close = this.expectPunct(')', '`,` or `)`');
            return { kind: 'group', parts, range: span(open.range, close.range) };
        }
        const name = this.identifier("an index name or a grouped axis '(a, b)'");
        return { kind: 'index', name, range: name.range };
    }

    private terms(): EquationTerm[] {
        const terms: EquationTerm[] = [];
        let sign: 1 | -1 = 1;
        let signToken: Token | undefined;
        if (this.isPunct('-') || this.isPunct('+')) {
            signToken = this.next();
            sign = signToken.text === '-' ? -1 : 1;
        }
        for (;;) {
            const factors: Factor[] = [this.factor(false)];
            while (this.isPunct('*') || this.isPunct('/')) {
                const divide = this.next().text === '/';
                factors.push(this.factor(divide));
            }
            const start = signToken?.range ?? factors[0]!.range;
            terms.push({ sign, factors, range: span(start, factors[factors.length - 1]!.range) });
            if (!(this.isPunct('+') || this.isPunct('-'))) break;
            signToken = this.next();
            sign = signToken.text === '-' ? -1 : 1;
        }
        return terms;
    }

    private factor(divide: boolean): Factor {
        const token = this.peek();
        if (token.kind === 'name' && this.isPunct('[', 1)) {
            const name = this.identifier('a tensor name');
            const axes = this.axisList();
            return { kind: 'tensor', name, axes, range: span(name.range, this.previous().range) };
        }
        if (token.kind === 'name' || token.kind === 'number') {
            this.index++;
            const expression: Expression =
                token.kind === 'name'
                    ? { kind: 'name', name: token.text, range: token.range }
                    : this.numberExpression(token);
            return { kind: 'scale', expression, divide, range: token.range };
        }
        if (this.isPunct('(')) {
            const expression = this.primary();
            return { kind: 'scale', expression, divide, range: expression.range };
        }
        this.fail("a tensor such as 'X[i, j]', a number, a size or `(`");
    }

    private numberExpression(token: Token): Expression {
        const integer = /^[0-9]+$/.test(token.text);
        return {
            kind: 'number',
            value: Number(token.text),
            text: token.text,
            integer,
            range: token.range,
        };
    }

    expression(): Expression {
        if (this.nesting === 0) this.operators = 0;
        let left = this.product();
        while (this.isPunct('+') || this.isPunct('-')) {
            const operator = this.next().text as '+' | '-';
            this.countOperator();
            const right = this.product();
            left = { kind: 'binary', operator, left, right, range: span(left.range, right.range) };
        }
        return left;
    }

    private product(): Expression {
        let left = this.unary();
        while (this.isPunct('*') || this.isPunct('/') || this.isPunct('//') || this.isPunct('%')) {
            const operator = this.next().text as '*' | '/' | '//' | '%';
            this.countOperator();
            const right = this.unary();
            left = { kind: 'binary', operator, left, right, range: span(left.range, right.range) };
        }
        return left;
    }

    private countOperator(): void {
        if (++this.operators > MAX_OPERATORS) {
            throw new StatementError('expression too long', this.previous().range);
        }
    }

    private enter(): void {
        if (++this.nesting > MAX_NESTING) {
            throw new StatementError('expression nested too deeply', this.peek().range);
        }
    }

    private unary(): Expression {
        if (this.isPunct('-') || this.isPunct('+')) {
            const token = this.next();
            this.countOperator();
            this.enter();
            const operand = this.unary();
            this.nesting--;
            return {
                kind: 'unary',
                operator: token.text as '-' | '+',
                operand,
                range: span(token.range, operand.range),
            };
        }
        return this.primary();
    }

    private primary(): Expression {
        const token = this.peek();
        if (token.kind === 'number') {
            this.index++;
            return this.numberExpression(token);
        }
        if (token.kind === 'string') {
            this.index++;
            return { kind: 'string', value: token.text, range: token.range };
        }
        if (token.kind === 'name') {
            this.index++;
            if (this.isPunct('[')) this.fail('an operator or `,`; indices are not allowed here');
            return { kind: 'name', name: token.text, range: token.range };
        }
        if (this.isPunct('(')) {
            const open = this.next();
            const items: Expression[] = [];
            let trailingComma = false;
            this.enter();
            while (!this.isPunct(')')) {
                items.push(this.expression());
                trailingComma = false;
                if (!this.isPunct(',')) break;
                this.index++;
                trailingComma = true;
            }
            const close = this.expectPunct(')', '`,` or `)`');
            this.nesting--;
            const range = span(open.range, close.range);
            if (items.length === 0) throw new StatementError('empty parentheses', range);
            if (items.length === 1 && !trailingComma)
                return { kind: 'paren', inner: items[0]!, range };
            return { kind: 'tuple', items, range };
        }
        this.fail('a number, a name, a string or (');
    }
}

/** Parses tokens as `lex` makes them (ending with the eof token); never throws. */
export function parseTokens(tokens: Token[]): SyntaxTree {
    return new Parser(tokens).parseFile();
}

/** Parses a whole file; never throws, whatever the text. */
export function parse(text: string): ParsedFile {
    const { tokens, comments } = lex(text);
    const tree = new Parser(tokens).parseFile();
    return { ...tree, tokens, comments };
}
