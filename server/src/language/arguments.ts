/** Binding a call's arguments to a built-in's parameters, positionally or by keyword. */
import type { Argument, Call } from './ast';
import { closestName, type Context } from './context';

export interface Signature {
    name: string;
    /** Parameter names in positional order. */
    parameters: string[];
    required: string[];
}

/** The arguments by parameter name, or undefined when the call does not fit (reported). */
export function bindArguments(
    context: Context,
    call: Call,
    signature: Signature,
): Map<string, Argument> | undefined {
    const bound = new Map<string, Argument>();
    let ok = true;
    let position = 0;
    for (const argument of call.args) {
        if (argument.keyword === undefined) {
            if (bound.size > position) {
                context.error(
                    'E007',
                    `positional argument after a keyword argument in \`${signature.name}\``,
                    argument.range,
                );
                ok = false;
                continue;
            }
            const parameter = signature.parameters[position++];
            if (parameter === undefined) {
                context.error(
                    'E007',
                    `\`${signature.name}\` takes at most ${signature.parameters.length} arguments (${signature.parameters.join(', ')})`,
                    argument.range,
                );
                ok = false;
                continue;
            }
            bound.set(parameter, argument);
            continue;
        }
        const keyword = argument.keyword.name;
        if (!signature.parameters.includes(keyword)) {
            const suggestion = closestName(keyword, signature.parameters);
            context.error(
                'E002',
                `\`${signature.name}\` has no argument \`${keyword}\`${suggestion === undefined ? `; its arguments are ${signature.parameters.join(', ')}` : `; did you mean \`${suggestion}\`?`}`,
                argument.keyword.range,
                suggestion === undefined ? {} : { data: { suggestion } },
            );
            ok = false;
            continue;
        }
        if (bound.has(keyword)) {
            context.error('E007', `argument \`${keyword}\` is given twice`, argument.range);
            ok = false;
            continue;
        }
        bound.set(keyword, argument);
    }
    const missing = signature.required.filter((parameter) => !bound.has(parameter));
    if (ok && missing.length > 0) {
        context.error(
            'E007',
            `\`${signature.name}\` needs ${missing.map((parameter) => `\`${parameter}\``).join(' and ')}`,
            call.range,
        );
        ok = false;
    }
    return ok ? bound : undefined;
}
