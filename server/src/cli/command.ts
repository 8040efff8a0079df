/** The shape of a `tnet` subcommand: its name, its help, and what it does with its arguments. */

export interface CliIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

export interface Command {
    name: string;
    /** One line for `tnet --help`. */
    summary: string;
    /** The full text of `tnet NAME --help`. */
    help: string;
    /** Returns the process's exit code: 0 success, 1 the input has errors, 2 bad usage. */
    run(args: string[], io: CliIo): Promise<number>;
}

/** Thrown for bad usage (unknown option, missing file argument); printed without a stack trace. */
export class UsageError extends Error {}
