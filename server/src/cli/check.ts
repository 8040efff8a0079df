/** `tnet check`: analyses `.tnet` files and reports their diagnostics and shapes. */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MEMORY_BUDGET_BYTES, diagnose, parseByteSize } from '../cost/diagnose';
import type { Diagnostic } from '../language/model';
import type { Range } from '../network/ir';
import { describeFileError } from '../runtime/files';
import { type CliIo, type Command, UsageError } from './command';

const HELP = `Usage: tnet check FILE... [--json]

Checks .tnet files: syntax, names, index sizes, shapes and convolution hyper-parameters.
A directory checks every .tnet file in it (and below it).

Options:
  --json      print {"files": [{"file", "diagnostics", "tensors"}]} instead of compiler-style lines
  --memory-budget SIZE
              warn (W103) of an intermediate over SIZE bytes (512MiB, 2GB, ...; default 1GiB;
              0 means no budget and no W103)
  -h, --help  show this help

Exit status: 0 when no file has an error, 1 when some file has an error or cannot be read,
2 for bad usage.
`;

interface FileReport {
    file: string;
    diagnostics: { code: string; severity: string; message: string; range: Range }[];
    tensors: Record<string, { shape: number[] }>;
}

/**
 * The files named, with each directory replaced by the `.tnet` files under it, sorted. Symbolic
 * links are followed, but each real directory is walked once and each real file is listed once,
 * so a link cycle ends and a file reachable by several paths is checked once.
 */
function expand(paths: string[], unreadable: { file: string; message: string }[]): string[] {
    const files: string[] = [];
    const seen = new Set<string>();
    const walk = (path: string, top: boolean) => {
        let isDirectory: boolean;
        let real: string;
        try {
            isDirectory = statSync(path).isDirectory();
            real = realpathSync(path);
        } catch (error) {
            if (top) unreadable.push({ file: path, message: describeError(error) });
            return;
        }
        if (!isDirectory) {
            if ((top || path.endsWith('.tnet')) && !seen.has(real)) {
                seen.add(real);
                files.push(path);
            }
            return;
        }
        if (seen.has(real)) return;
        seen.add(real);
        let entries: string[];
        try {
            entries = readdirSync(path).sort();
        } catch (error) {
            unreadable.push({ file: path, message: describeError(error) });
            return;
        }
        for (const entry of entries) {
            if (entry === 'node_modules' || entry.startsWith('.')) continue;
            walk(join(path, entry), false);
        }
    };
    for (const path of paths) walk(path, true);
    return files;
}

const describeError = (error: unknown): string => describeFileError(error);

function report(file: string, text: string, memoryBudgetBytes: number): FileReport {
    const analysis = diagnose(text, { memoryBudgetBytes });
    const tensors: Record<string, { shape: number[] }> = {};
    for (const symbol of analysis.symbols) {
        if (symbol.kind !== 'size' && symbol.shape !== undefined) {
            tensors[symbol.name] = { shape: symbol.shape };
        }
    }
    return {
        file,
        diagnostics: analysis.diagnostics.map((diagnostic: Diagnostic) => ({
            code: diagnostic.code,
            severity: diagnostic.severity,
            message: diagnostic.message,
            range: diagnostic.range,
        })),
        tensors,
    };
}

function human(reports: FileReport[], unreadable: { file: string; message: string }[]): string {
    const lines: string[] = [];
    for (const { file, message } of unreadable)
        lines.push(`${file}: error: cannot read: ${message}`);
    let errors = unreadable.length;
    let warnings = 0;
    for (const file of reports) {
        for (const diagnostic of file.diagnostics) {
            const { line, character } = diagnostic.range.start;
            lines.push(
                `${file.file}:${line + 1}:${character + 1}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`,
            );
            if (diagnostic.severity === 'error') errors++;
            if (diagnostic.severity === 'warning') warnings++;
        }
    }
    const count = reports.length + unreadable.length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    lines.push(
        `checked ${plural(count, 'file')}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
    );
    return lines.join('\n') + '\n';
}

export const checkCommand: Command = {
    name: 'check',
    summary: 'check .tnet files: syntax, names, sizes and shapes',
    help: HELP,
    run(args: string[], io: CliIo): Promise<number> {
        const { values, positionals } = parseArgs({
            args,
            options: {
                json: { type: 'boolean', default: false },
                'memory-budget': { type: 'string' },
            },
            allowPositionals: true,
            strict: true,
        });
        if (positionals.length === 0) throw new UsageError('no file given');
        const budgetText = values['memory-budget'];
        const memoryBudgetBytes =
            budgetText === undefined ? DEFAULT_MEMORY_BUDGET_BYTES : parseByteSize(budgetText);
        if (memoryBudgetBytes === undefined) {
            throw new UsageError(
                `--memory-budget: '${budgetText}' is not a size like 512MiB or 2GB`,
            );
        }
        const unreadable: { file: string; message: string }[] = [];
        const files = expand(positionals, unreadable);
        const reports: FileReport[] = [];
        for (const file of files) {
            let text: string;
            try {
                text = readFileSync(file, 'utf8');
            } catch (error) {
                unreadable.push({ file, message: describeError(error) });
                continue;
            }
            reports.push(report(file, text, memoryBudgetBytes));
        }
        const failed =
            unreadable.length > 0 ||
            reports.some((file) =>
                file.diagnostics.some((diagnostic) => diagnostic.severity === 'error'),
            );
        if (values.json) {
            const entries: FileReport[] = [
                ...reports,
                ...unreadable.map(({ file, message }) => ({
                    file,
                    diagnostics: [],
                    tensors: {},
                    error: `cannot read: ${message}`,
                })),
            ];
            io.stdout(JSON.stringify({ files: entries }, null, 2) + '\n');
            if (unreadable.length > 0) {
                for (const { file, message } of unreadable) {
                    io.stderr(`tnet check: cannot read ${file}: ${message}\n`);
                }
            }
        } else {
            io.stdout(human(reports, unreadable));
        }
        return Promise.resolve(failed ? 1 : 0);
    },
};
