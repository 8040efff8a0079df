/** Test helpers for the command line: run `tnet` in-process, and write input files to a scratch folder. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { main } from '../server/src/cli/main';

export interface CliResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs `tnet ARGS...` through the CLI's entry, capturing what it prints. */
export async function tnet(...args: string[]): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
    });
    return { code, stdout, stderr };
}

/**
 * A fresh folder under the system's temporary directory, removed when the test file ends, and a
 * function that writes a file into it and returns its path.
 */
export function scratch(prefix: string): {
    folder: string;
    file(name: string, text: string): string;
} {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    after(() => rmSync(folder, { recursive: true, force: true }));
    return {
        folder,
        file(name, text) {
            const path = join(folder, name);
            writeFileSync(path, text);
            return path;
        },
    };
}
