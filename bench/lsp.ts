// The language server over stdio (the built dist/server.js, as the desktop extension starts it):
// diagnostics after opening a file and after one keystroke, hover and completion latency (median
// and p99), and the server's memory, on files of 100, 1,000 and 10,000 lines, side by side with
// the goals as ratios (below 1 meets the goal), and next to the language core's own time for the
// text: a full parse and analysis, which a keystroke beats by reusing the unchanged statements.
// Run: npm run build && npx tsx bench/lsp.ts [--quick] [--server PATH (another build, to compare)]
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeParsed } from '../server/src/language/analyze';
import { parse } from '../server/src/language/parser';
import { LspClient } from '../test/lsp/harness';

const quick = process.argv.includes('--quick');
const serverFlag = process.argv.indexOf('--server');
const SERVER = serverFlag >= 0 ? process.argv[serverFlag + 1]! : 'dist/server.js';
const SIZES = [100, 1_000, 10_000];
const KEYSTROKES = quick ? 10 : 40;
const REQUESTS = quick ? 50 : 300;

/** Ten lines: sizes, tensors, a pattern, an equation in index form, a built-in, an einsum. */
function block(k: number): string[] {
    return [
        `# block ${k}`,
        `size N${k} = 8, C${k} = 3, H${k} = 32, D${k} = 16`,
        `tensor X${k}[N${k}, C${k}, H${k}, H${k}]`,
        `tensor K${k}[D${k}, C${k}, 3, 3]`,
        `pattern P${k} = conv(in=H${k}, kernel=3, stride=2, padding=1)`,
        `Y${k}[n, d, y, x] = X${k}[n, c, h, w] * P${k}[h, y, i] * P${k}[w, x, j] * K${k}[d, c, i, j]`,
        `Z${k} = conv(X${k}, K${k}, stride=2, padding=1)`,
        `tensor A${k}[64, 512]`,
        `tensor B${k}[512, ${8 + (k % 5)}]`,
        `M${k} = einsum("ij,jk->ik", A${k}, B${k}) * Y${k}[0, 0, 0, 0]`.replace(
            ' * Y' + k + '[0, 0, 0, 0]',
            '',
        ),
    ];
}

function source(lines: number): string {
    const out: string[] = [];
    for (let k = 0; out.length < lines; k++) out.push(...block(k));
    return out.slice(0, lines).join('\n') + '\n';
}

function percentile(values: number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time<T>(work: () => Promise<T>): Promise<number> {
    const start = performance.now();
    await work();
    return performance.now() - start;
}

function rssMiB(pid: number): number {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kib / 1024;
}

interface Row {
    lines: number;
    open: number;
    keyMedian: number;
    keyP99: number;
    hoverMedian: number;
    hoverP99: number;
    completionMedian: number;
    completionP99: number;
    rss: number;
    /** The language core alone, in this process: parse and analyse the same text. */
    analysis: number;
}

async function measure(lines: number): Promise<Row> {
    const client = await LspClient.start({
        command: [process.execPath, SERVER, '--stdio'],
    });
    const text = source(lines);
    const uri = `file:///bench/lines${lines}.tnet`;
    const open = await time(() => client.open(uri, text));

    // Keystrokes in the middle of the file: a digit typed into a size, then taken out again.
    const middle = Math.floor(lines / 20) * 10 + 1;
    const at = { line: middle, character: text.split('\n')[middle]!.indexOf('= 8') + 3 };
    const keystrokes: number[] = [];
    for (let i = 0; i < KEYSTROKES; i++) {
        const insert = i % 2 === 0;
        const range = insert
            ? { start: at, end: at }
            : { start: at, end: { line: at.line, character: at.character + 1 } };
        keystrokes.push(
            await time(async () => {
                const version = await client.change(uri, [{ range, text: insert ? '1' : '' }]);
                await client.waitForDiagnostics(uri, version);
            }),
        );
    }

    // Hovers on defined names across the file (each pays its cost report once), completions
    // inside brackets and after `=`.
    const blocks = Math.floor(lines / 10);
    const hovers: number[] = [];
    const completions: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
        const k = (i * 7919) % blocks;
        hovers.push(
            await time(() =>
                client.request('textDocument/hover', {
                    textDocument: { uri },
                    position: { line: k * 10 + 5, character: 1 },
                }),
            ),
        );
        completions.push(
            await time(() =>
                client.request('textDocument/completion', {
                    textDocument: { uri },
                    position: { line: k * 10 + 6, character: `Z${k} = `.length },
                }),
            ),
        );
    }
    const rss = rssMiB(client.child.pid!);
    await client.stop();
    const analyses: number[] = [];
    for (let i = 0; i < 5; i++) {
        analyses.push(await time(async () => analyzeParsed(text, parse(text))));
    }
    return {
        lines,
        open,
        keyMedian: percentile(keystrokes, 50),
        keyP99: percentile(keystrokes, 99),
        hoverMedian: percentile(hovers, 50),
        hoverP99: percentile(hovers, 99),
        completionMedian: percentile(completions, 50),
        completionP99: percentile(completions, 99),
        rss,
        analysis: percentile(analyses, 50),
    };
}

function goalForKeystroke(lines: number): number {
    return lines >= 10_000 ? 200 : 50;
}

async function main(): Promise<void> {
    if (!existsSync(SERVER)) {
        console.error(`${SERVER} is missing: run \`npm run build\` first`);
        process.exit(2);
    }
    const rows: Row[] = [];
    for (const lines of SIZES) rows.push(await measure(lines));
    const ms = (value: number): string => value.toFixed(1);
    const header = [
        'lines',
        'open→diag ms',
        'key→diag med',
        'key→diag p99',
        'p99/goal',
        'hover med',
        'hover p99',
        'p99/10ms',
        'compl. med',
        'compl. p99',
        'p99/10ms',
        'RSS MiB',
        'core ms',
        'key med/core',
    ];
    const table = rows.map((row) => [
        row.lines.toLocaleString('en-US'),
        ms(row.open),
        ms(row.keyMedian),
        ms(row.keyP99),
        (row.keyP99 / goalForKeystroke(row.lines)).toFixed(2),
        ms(row.hoverMedian),
        ms(row.hoverP99),
        (row.hoverP99 / 10).toFixed(2),
        ms(row.completionMedian),
        ms(row.completionP99),
        (row.completionP99 / 10).toFixed(2),
        row.rss.toFixed(0),
        ms(row.analysis),
        (row.keyMedian / row.analysis).toFixed(2),
    ]);
    const widths = header.map((title, i) =>
        Math.max(title.length, ...table.map((r) => r[i]!.length)),
    );
    const line = (cells: string[]): string =>
        cells.map((cell, i) => cell.padStart(widths[i]!)).join('  ');
    console.log(
        `tnet language server (${SERVER}) over stdio; ${KEYSTROKES} keystrokes, ${REQUESTS} hovers and completions per size`,
    );
    console.log(
        'goals: keystroke→diagnostics p99 50 ms (200 ms at 10,000 lines); hover and completion p99 10 ms',
    );
    console.log('core ms: parse + analyse of the same text in this process (median of 5)');
    console.log(line(header));
    for (const row of table) console.log(line(row));
}

void main();
