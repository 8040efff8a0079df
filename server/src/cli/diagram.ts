/** `tnet diagram`: the SVG diagram of one equation's tensor network, to a file or to stdout. */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { drawNetwork } from '../diagram';
import { analyze } from '../language/analyze';
import type { Analysis, EquationInfo } from '../language/model';
import { describeFileError } from '../runtime/files';
import { type CliIo, type Command, UsageError } from './command';

const HELP = `Usage: tnet diagram FILE [--statement NAME] [-o out.svg] [--legs]

Draws the tensor network of one equation of FILE as SVG: each tensor use a node, each index an
edge labelled with its name and size, an index of three or more factors a hyperedge.

Options:
  --statement NAME  the equation to draw (default: the last one in the file)
  -o, --output FILE write the SVG to FILE instead of stdout
  --legs            draw output indices as dangling legs instead of edges to an output node
`;

/** The equation to draw: the one named, else the last; a wrong name lists the valid ones. */
export function pickEquation(
    analysis: Analysis,
    file: string,
    name: string | undefined,
): EquationInfo {
    const equations = analysis.equations;
    if (equations.length === 0) throw new UsageError(`${file} defines no equation to draw`);
    if (name === undefined) return equations[equations.length - 1]!;
    const found = equations.find((equation) => equation.name === name);
    if (found === undefined) {
        const valid = equations.map((equation) => equation.name).join(', ');
        throw new UsageError(`${file} has no equation named '${name}'; its equations: ${valid}`);
    }
    return found;
}

export const diagramCommand: Command = {
    name: 'diagram',
    summary: "draw an equation's tensor network as SVG",
    help: HELP,
    async run(args: string[], io: CliIo): Promise<number> {
        const { values, positionals } = parseArgs({
            args,
            allowPositionals: true,
            options: {
                statement: { type: 'string' },
                output: { type: 'string', short: 'o' },
                legs: { type: 'boolean' },
            },
        });
        if (positionals.length !== 1) throw new UsageError('expected exactly one FILE');
        const file = positionals[0]!;
        let text: string;
        try {
            text = await readFile(file, 'utf8');
        } catch (error) {
            io.stderr(`tnet diagram: cannot read ${file}: ${describeFileError(error)}\n`);
            return 1;
        }
        const analysis = analyze(text);
        const equation = pickEquation(analysis, file, values.statement);
        if (equation.network === undefined) {
            const { start, end } = equation.statementRange;
            const errors = analysis.diagnostics.filter(
                (d) =>
                    d.severity === 'error' &&
                    d.range.start.line >= start.line &&
                    d.range.start.line <= end.line,
            );
            for (const d of errors) {
                const where = `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
                io.stderr(`${where}: error ${d.code}: ${d.message}\n`);
            }
            io.stderr(`tnet diagram: '${equation.name}' has errors; nothing drawn\n`);
            return 1;
        }
        const { svg } = await drawNetwork(equation.network, {
            output: values.legs === true ? 'legs' : 'node',
        });
        if (values.output === undefined) {
            io.stdout(svg);
        } else {
            try {
                await writeFile(values.output, svg);
            } catch (error) {
                io.stderr(
                    `tnet diagram: cannot write ${values.output}: ${describeFileError(error, true)}\n`,
                );
                return 1;
            }
            io.stderr(`wrote the diagram of ${equation.name} to ${values.output}\n`);
        }
        return 0;
    },
};
