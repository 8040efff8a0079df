/**
 * Evaluation of expressions: integer size expressions, real scale factors, and the values of
 * hyper-parameters (integers, strings, tuples). Each error is reported once; a failed evaluation
 * returns undefined and its callers stay silent about it.
 */
import type { Range } from '../network/ir';
import type { Expression } from './ast';
import type { Context } from './context';

/** Python's floor division and modulo, which integer sizes follow. */
function floorDiv(a: number, b: number): number {
    return Math.floor(a / b);
}

function floorMod(a: number, b: number): number {
    return a - b * Math.floor(a / b);
}

/** The value of a size name, or undefined (reported) when it is not a size. */
function sizeValue(
    context: Context,
    expression: Expression & { kind: 'name' },
): number | undefined {
    const entity = context.resolve(expression, 'size');
    if (entity === undefined) return undefined;
    if (entity.symbol.kind !== 'size') {
        context.error(
            'E007',
            `\`${expression.name}\` is a ${entity.symbol.kind}, not a size: only sizes and numbers can appear here`,
            expression.range,
        );
        return undefined;
    }
    return entity.symbol.value;
}

/** Sizes are computed exactly in doubles, so only integers up to 2^53 − 1 are exact. */
const TOO_LARGE = `too large: integers go up to 2^53 − 1 = ${Number.MAX_SAFE_INTEGER} in magnitude`;

/** An integer expression over numbers and sizes defined earlier. */
export function evaluateInteger(context: Context, expression: Expression): number | undefined {
    switch (expression.kind) {
        case 'number':
            if (expression.integer && !Number.isSafeInteger(expression.value)) {
                context.error(
                    'E007',
                    `integer ${expression.text} is ${TOO_LARGE}`,
                    expression.range,
                );
                return undefined;
            }
            if (!expression.integer) {
                context.error(
                    'E007',
                    `expected an integer, found ${expression.text}`,
                    expression.range,
                );
                return undefined;
            }
            return expression.value;
        case 'name':
            return sizeValue(context, expression);
        case 'string':
            context.error(
                'E007',
                `expected an integer, found "${expression.value}"`,
                expression.range,
            );
            return undefined;
        case 'tuple':
            context.error('E007', 'expected an integer, found a tuple', expression.range);
            return undefined;
        case 'paren':
            return evaluateInteger(context, expression.inner);
        case 'unary': {
            const operand = evaluateInteger(context, expression.operand);
            if (operand === undefined) return undefined;
            return expression.operator === '-' ? -operand : operand;
        }
        case 'binary': {
            if (expression.operator === '/') {
                context.error(
                    'E007',
                    'sizes are integers: use `//` for integer division',
                    expression.range,
                );
                return undefined;
            }
            const left = evaluateInteger(context, expression.left);
            const right = evaluateInteger(context, expression.right);
            if (left === undefined || right === undefined) return undefined;
            let value: number;
            switch (expression.operator) {
                case '+':
                    value = left + right;
                    break;
                case '-':
                    value = left - right;
                    break;
                case '*':
                    value = left * right;
                    break;
                default:
                    if (right === 0) {
                        context.error('E007', 'division by zero', expression.right.range);
                        return undefined;
                    }
                    value =
                        expression.operator === '//'
                            ? floorDiv(left, right)
                            : floorMod(left, right);
            }
            if (!Number.isSafeInteger(value)) {
                const figures = `${left} ${expression.operator} ${right} = ${value.toExponential(3)}`;
                context.error('E007', `${figures} is ${TOO_LARGE}`, expression.range);
                return undefined;
            }
            return value;
        }
    }
}

/** A size that must be at least 1: a dimension of a tensor or of a pattern. */
export function evaluateSize(
    context: Context,
    expression: Expression,
    what: string,
): number | undefined {
    const value = evaluateInteger(context, expression);
    if (value === undefined) return undefined;
    if (value < 1) {
        context.error('E007', `${what} must be at least 1, but is ${value}`, expression.range, {
            data: { minimum: 1 },
        });
        return undefined;
    }
    return value;
}

/** A real scale factor: numbers and sizes with `+ - * /` (and `//`, `%`). */
export function evaluateReal(context: Context, expression: Expression): number | undefined {
    switch (expression.kind) {
        case 'number':
            return expression.value;
        case 'name':
            return sizeValue(context, expression);
        case 'string':
            context.error(
                'E007',
                `a scale must be a number, found "${expression.value}"`,
                expression.range,
            );
            return undefined;
        case 'tuple':
            context.error('E007', 'a scale must be a number, found a tuple', expression.range);
            return undefined;
        case 'paren':
            return evaluateReal(context, expression.inner);
        case 'unary': {
            const operand = evaluateReal(context, expression.operand);
            if (operand === undefined) return undefined;
            return expression.operator === '-' ? -operand : operand;
        }
        case 'binary': {
            const left = evaluateReal(context, expression.left);
            const right = evaluateReal(context, expression.right);
            if (left === undefined || right === undefined) return undefined;
            switch (expression.operator) {
                case '+':
                    return left + right;
                case '-':
                    return left - right;
                case '*':
                    return left * right;
                default:
                    if (right === 0) {
                        context.error('E007', 'division by zero', expression.right.range);
                        return undefined;
                    }
                    if (expression.operator === '/') return left / right;
                    return expression.operator === '//'
                        ? floorDiv(left, right)
                        : floorMod(left, right);
            }
        }
    }
}

/** A hyper-parameter's value: an integer, a string, or a tuple of values. */
export type Value =
    | { kind: 'int'; value: number; range: Range }
    | { kind: 'string'; value: string; range: Range }
    | { kind: 'tuple'; items: Value[]; range: Range };

export function evaluateValue(context: Context, expression: Expression): Value | undefined {
    if (expression.kind === 'string') {
        return { kind: 'string', value: expression.value, range: expression.range };
    }
    if (expression.kind === 'tuple') {
        const items: Value[] = [];
        let failed = false;
        for (const item of expression.items) {
            const value = evaluateValue(context, item);
            if (value === undefined) failed = true;
            else items.push(value);
        }
        return failed ? undefined : { kind: 'tuple', items, range: expression.range };
    }
    if (expression.kind === 'paren') {
        const inner = evaluateValue(context, expression.inner);
        return inner === undefined ? undefined : { ...inner, range: expression.range };
    }
    const value = evaluateInteger(context, expression);
    return value === undefined ? undefined : { kind: 'int', value, range: expression.range };
}
