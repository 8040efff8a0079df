// Diagram layout and render time for networks of 4, 16 and 64 tensors, side by side with the
// budget of a redraw after an edit (50 ms): the first drawing, and redraws with the previous
// layout's hints after an index changes size and after a factor is added. Medians of repeats.
// Run: npx tsx bench/diagram.ts [--quick]
import { buildModel, layoutDiagram, renderSvg } from '../server/src/diagram';
import type { LayoutHints } from '../server/src/diagram/layout';
import type { Network, Operand } from '../server/src/network/ir';

const BUDGET_MS = 50;
const quick = process.argv.includes('--quick');

/**
 * A square grid of tensors, each sharing one index with each grid neighbour (as in a PEPS), with
 * the first row's free legs as the output: the shape of a large contraction, drawn at once.
 */
function grid(count: number): Network {
    const side = Math.round(Math.sqrt(count));
    const sizes: Record<string, number> = {};
    const operands: Operand[] = [];
    const name = (r: number, c: number): string => `T${r}_${c}`;
    for (let r = 0; r < side; r++) {
        for (let c = 0; c < side; c++) {
            const indices: string[] = [];
            if (c + 1 < side) indices.push(`h${r}_${c}`);
            if (c > 0) indices.push(`h${r}_${c - 1}`);
            if (r + 1 < side) indices.push(`v${r}_${c}`);
            if (r > 0) indices.push(`v${r - 1}_${c}`);
            indices.push(`p${r}_${c}`);
            for (const index of indices) sizes[index] = 2 + ((r * 7 + c * 3) % 30);
            operands.push({
                name: name(r, c),
                source: { kind: 'tensor', tensor: name(r, c) },
                axes: indices.map((index) => [index]),
                indices,
                dtype: 'f32',
            });
        }
    }
    const output = Array.from({ length: side }, (_, c) => `p0_${c}`);
    return {
        name: 'G',
        sizes,
        output: { axes: output.map((index) => [index]), indices: output, dtype: 'f32' },
        terms: [{ scale: 1, operands, output }],
    };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

interface Timing {
    model: number;
    layout: number;
    render: number;
    total: number;
}

async function drawOnce(network: Network, hints?: LayoutHints): Promise<[Timing, LayoutHints]> {
    const t0 = performance.now();
    const model = buildModel(network);
    const t1 = performance.now();
    const layout = await layoutDiagram(model, { hints });
    const t2 = performance.now();
    renderSvg(layout);
    const t3 = performance.now();
    return [{ model: t1 - t0, layout: t2 - t1, render: t3 - t2, total: t3 - t0 }, layout.hints];
}

type Edit = 'none' | 'size' | 'factor';

/** The network after an edit: one index resized (same shape), or one more factor (a new node). */
function edited(network: Network, edit: Edit, k: number): Network {
    const changed = structuredClone(network);
    const first = Object.keys(changed.sizes)[0]!;
    if (edit === 'size') changed.sizes[first] = changed.sizes[first]! + 1 + k;
    if (edit === 'factor') {
        changed.terms[0]!.operands.push({
            name: 'S',
            source: { kind: 'tensor', tensor: 'S' },
            axes: [[first]],
            indices: [first],
            dtype: 'f32',
        });
    }
    return changed;
}

async function measure(network: Network, repeats: number, edit: Edit): Promise<Timing> {
    const runs: Timing[] = [];
    const [, hints] = await drawOnce(network);
    for (let k = 0; k < repeats; k++) {
        if (edit === 'none') runs.push((await drawOnce(network))[0]);
        else runs.push((await drawOnce(edited(network, edit, k), hints))[0]);
    }
    return {
        model: median(runs.map((run) => run.model)),
        layout: median(runs.map((run) => run.layout)),
        render: median(runs.map((run) => run.render)),
        total: median(runs.map((run) => run.total)),
    };
}

async function main(): Promise<void> {
    // Warm the layout engine and the JIT, as a long-running server is.
    for (let k = 0; k < 5; k++) await drawOnce(grid(16));

    const rows: string[][] = [];
    for (const count of [4, 16, 64]) {
        const network = grid(count);
        const repeats = quick ? 3 : count >= 64 ? 7 : 21;
        const cases: [Edit, string][] = [
            ['none', 'first drawing'],
            ['size', 'redraw, a size edited'],
            ['factor', 'redraw, a factor added'],
        ];
        for (const [edit, title] of cases) {
            const t = await measure(network, repeats, edit);
            rows.push([
                String(count),
                title,
                String(repeats),
                t.model.toFixed(2),
                t.layout.toFixed(1),
                t.render.toFixed(2),
                t.total.toFixed(1),
                (t.total / BUDGET_MS).toFixed(2),
            ]);
        }
    }
    const header = [
        'tensors',
        'case',
        'repeats',
        'model ms',
        'layout ms',
        'svg ms',
        'total ms',
        `total / ${BUDGET_MS} ms`,
    ];
    const widths = header.map((title, k) =>
        Math.max(title.length, ...rows.map((row) => row[k]!.length)),
    );
    const line = (cells: string[]): string =>
        cells
            .map((cell, k) => (k < 2 ? cell.padEnd(widths[k]!) : cell.padStart(widths[k]!)))
            .join('  ');
    console.log(line(header));
    console.log(widths.map((width) => '-'.repeat(width)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log(
        `\nmedians; layout is elkjs stress plus overlap removal, routing and label placement`,
    );
}

void main();
