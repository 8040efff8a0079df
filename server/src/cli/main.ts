/** The `tnet` command line: dispatches to one subcommand per file in this folder. */
import { type CliIo, type Command, UsageError } from './command';
import { checkCommand } from './check';
import { costCommand } from './cost';
import { diagramCommand } from './diagram';
import { lspCommand } from './lsp';
import { runCommand, runtimeCommand } from './run';
import { benchCommand } from './bench';

const commands: Command[] = [
    checkCommand,
    costCommand,
    diagramCommand,
    lspCommand,
    runCommand,
    benchCommand,
    runtimeCommand,
];

function usage(): string {
    const width = Math.max(...commands.map((command) => command.name.length));
    const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
    return [
        'tnet: tensor networks for convolutions and einsum',
        '',
        'Usage: tnet <command> [options]',
        '',
        'Commands:',
        ...lines,
        '',
        "Run 'tnet <command> --help' for a command's options.",
        '',
    ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
        io.stdout(usage());
        return name === undefined ? 2 : 0;
    }
    if (name === '--version') {
        io.stdout('0.1.0\n');
        return 0;
    }
    const command = commands.find((candidate) => candidate.name === name);
    if (command === undefined) {
        io.stderr(`tnet: unknown command '${name}'\n\n${usage()}`);
        return 2;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
        io.stdout(command.help);
        return 0;
    }
    try {
        return await command.run(rest, io);
    } catch (error) {
        if (
            error instanceof UsageError ||
            (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ) {
            io.stderr(`tnet ${name}: ${(error as Error).message}\nRun 'tnet ${name} --help'.\n`);
            return 2;
        }
        io.stderr(`tnet ${name}: internal error: ${(error as Error).stack ?? String(error)}\n`);
        return 3;
    }
}

/** The process entry that `bin/tnet.js` calls. */
export function cli(): void {
    const io: CliIo = {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    };
    void main(process.argv.slice(2), io).then((code) => {
        process.exitCode = code;
    });
}
