// Analysis time per thousand lines on generated files of 1,000 and 10,000 lines, side by side:
// the ratio of the two rates should stay near 1 (linear growth). The last two rows are the same
// files with one undefined size per block (its definition renamed), as while a size is retyped:
// each undefined name looks for the nearest defined one, which must not make analysis quadratic.
// Run: npx tsx bench/analysis.ts
import { analyze } from '../server/src/language/analyze';

/** A realistic file: blocks of sizes, tensors, patterns, written-out and called convolutions. */
function generate(lines: number): string {
    const out: string[] = [];
    let block = 0;
    while (out.length < lines) {
        const b = block++;
        out.push(
            `# block ${b}`,
            `size N${b} = 8, C${b} = 3, H${b} = 32, D${b} = 16`,
            `tensor X${b}[N${b}, C${b}, H${b}, H${b}]`,
            `tensor K${b}[D${b}, C${b}, 3, 3]`,
            `pattern P${b} = conv(in=H${b}, kernel=3, stride=2, padding=1)`,
            `Y${b}[n, d, y, x] = X${b}[n, c, h, w] * P${b}[h, y, i] * P${b}[w, x, j] * K${b}[d, c, i, j]`,
            `Z${b} = conv(X${b}, K${b}, stride=2, padding=1)`,
            `tensor V${b}[N${b}, D${b}, 16, 16]`,
            `G${b} = vjp(Z${b}, K${b}, V${b})`,
            `E${b} = einsum("ndyx,ndyx->d", Y${b}, V${b})`,
        );
    }
    return out.slice(0, lines).join('\n') + '\n';
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(text: string, repeats: number): number {
    const times: number[] = [];
    for (let k = 0; k < repeats; k++) {
        const start = performance.now();
        analyze(text);
        times.push(performance.now() - start);
    }
    return median(times);
}

/** The same file with the first size of every block renamed, so that its uses are undefined. */
function withUndefinedSizes(text: string): string {
    return text.replace(/^size N/gm, 'size Nq');
}

const cases = [1000, 10000].map((lines) => ({ lines, label: `${lines}`, text: generate(lines) }));
cases.push(
    ...cases.map((c) => ({
        lines: c.lines,
        label: `${c.lines}, undefined sizes`,
        text: withUndefinedSizes(c.text),
    })),
);
// Warm up the JIT on every case before measuring.
for (const c of cases) measure(c.text, 3);
const rows = cases.map((c) => {
    const ms = measure(c.text, c.lines >= 10000 ? 7 : 31);
    return { label: c.label, ms, perThousand: (ms / c.lines) * 1000 };
});
const base = rows[0]!.perThousand;
console.log('| lines | analysis (ms) | ms per 1,000 lines | ratio to valid 1,000 lines |');
console.log('| ---: | ---: | ---: | ---: |');
for (const row of rows) {
    console.log(
        `| ${row.label} | ${row.ms.toFixed(1)} | ${row.perThousand.toFixed(2)} | ${(row.perThousand / base).toFixed(2)} |`,
    );
}
const errors = analyze(cases[0]!.text).diagnostics.filter((d) => d.severity === 'error').length;
const undefinedNames = analyze(cases[2]!.text).diagnostics.filter((d) => d.code === 'E002').length;
console.log(`\n(${errors} errors in the generated 1,000-line file: it is a valid program;`);
console.log(` ${undefinedNames} undefined names in its variant)`);
