/**
 * The results page of a run or a benchmark: the backend and adapter, a table of the steps and a bar
 * chart of time per step (plain HTML and CSS, no script). No `vscode` here, so that it can be
 * tested and rendered anywhere.
 */
import type { BenchReport, RunReport, StepReport } from '../../../server/src/runtime/protocol';

function escape(text: string): string {
    return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function number(value: number, digits = 3): string {
    if (value === 0) return '0';
    if (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3) return value.toExponential(digits - 1);
    return value.toFixed(digits);
}

function bytes(value: number): string {
    if (value >= 1024 ** 3) return `${(value / 1024 ** 3).toFixed(2)} GiB`;
    if (value >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(1)} MiB`;
    if (value >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
    return `${value} B`;
}

function steps(title: string, list: StepReport[]): string {
    const longest = Math.max(1e-9, ...list.map((step) => step.ms));
    const rows = list
        .map(
            (step) => `<tr>
  <td class="label">${escape(step.label)}</td>
  <td class="num">${step.ms.toFixed(3)}</td>
  <td class="num">${step.flops > 0 ? step.gflops.toFixed(2) : '–'}</td>
  <td class="num">${bytes(step.bytes)}</td>
  <td class="bar"><span style="width: ${((100 * step.ms) / longest).toFixed(1)}%"></span></td>
</tr>`,
        )
        .join('\n');
    return `<h2>${escape(title)}</h2>
<table>
<thead><tr><th>step</th><th>ms</th><th>GFLOP/s</th><th>bytes</th><th>time per step</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function page(title: string, nonce: string, body: string): string {
    const csp = `default-src 'none'; style-src 'nonce-${nonce}'`;
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escape(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }
th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid var(--vscode-panel-border, #8884); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.label { font-family: var(--vscode-editor-font-family); white-space: nowrap; }
td.bar { width: 30%; }
td.bar span { display: block; height: 0.9em; background: var(--vscode-charts-blue, #3794ff); min-width: 1px; }
.note { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function backendLine(report: RunReport | BenchReport): string {
    const backend = report.backend;
    const adapter =
        backend.adapter !== undefined ? `, adapter <b>${escape(backend.adapter)}</b>` : '';
    const notes = backend.notes.map((note) => `<p class="note">${escape(note)}</p>`).join('\n');
    return `<p>Backend <b>${backend.name}</b>${adapter}; timed by ${backend.timing}.</p>\n${notes}`;
}

export function runHtml(report: RunReport, nonce: string): string {
    const s = report.summary;
    const check =
        report.check === undefined
            ? ''
            : `<p>Against the ${escape(report.check.reference)}: max abs error ${number(report.check.maxAbsError)}, max rel error ${number(report.check.maxRelError)}.</p>`;
    const body = [
        `<h1>${escape(report.statement)} [${report.shape.join(', ')}] ${report.dtype}</h1>`,
        backendLine(report),
        `<p>Values: min ${number(s.min)}, max ${number(s.max)}, mean ${number(s.mean)}, norm ${number(s.norm)}.</p>`,
        check,
        ...report.evaluated.map((run) => steps(`${run.name}: ${run.ms.toFixed(3)} ms`, run.steps)),
    ].join('\n');
    return page(`tnet run ${report.statement}`, nonce, body);
}

export function benchHtml(report: BenchReport, nonce: string): string {
    const rows = report.plans
        .map(
            (plan) => `<tr><td>${plan.plan}</td>
  <td class="num">${plan.skipped !== undefined ? 'skipped' : plan.totalMs.toFixed(3)}</td>
  <td class="num">${plan.gflops.toFixed(2)}</td>
  <td class="num">${bytes(plan.bytes)}</td>
  <td class="num">${bytes(plan.memoryBytes)}</td>
  <td class="num">${plan.skipped !== undefined ? '–' : `${plan.ratio.toFixed(2)}×`}</td></tr>`,
        )
        .join('\n');
    const body = [
        `<h1>${escape(report.statement)} [${report.shape.join(', ')}] ${report.dtype}</h1>`,
        backendLine(report),
        `<p>Median of ${report.repeat} runs after ${report.warmup} warm-up runs.</p>`,
        `<table><thead><tr><th>plan</th><th class="num">ms</th><th class="num">GFLOP/s</th><th class="num">moved</th><th class="num">memory</th><th class="num">ratio</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
        ...report.plans
            .filter((plan) => plan.skipped === undefined)
            .map((plan) => steps(`${plan.plan} plan`, plan.steps)),
        ...report.plans
            .filter((plan) => plan.skipped !== undefined)
            .map((plan) => `<p class="note">${plan.plan}: ${escape(plan.skipped!)}</p>`),
    ].join('\n');
    return page(`tnet bench ${report.statement}`, nonce, body);
}
