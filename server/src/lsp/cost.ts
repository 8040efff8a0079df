/** The cost report of an equation, from the cost model under the configured optimizer. */
import { type NetworkCost, networkCost, OPTIMIZERS } from '../cost/index';
import type { EquationInfo } from '../language/model';
import type { Network } from '../network/ir';
import type { TnetSettings } from './protocol';

/** The optimizer that editor views use: the configured one, or `auto` when it is not known. */
export function editorOptimizer(settings: TnetSettings): string {
    return OPTIMIZERS.includes(settings.optimizer) ? settings.optimizer : 'auto';
}

/** Reports by network, across versions: an edit elsewhere leaves a statement's report as it was. */
const reports = new Map<string, NetworkCost>();
const CAPACITY = 20_000;

/** The costs of an equation's network, or undefined when it has none (its statement has an error). */
export function equationCost(
    equation: EquationInfo,
    settings: TnetSettings,
): NetworkCost | undefined {
    if (equation.network === undefined) return undefined;
    const optimizer = editorOptimizer(settings);
    const key = `${optimizer} ${settings.optimizerTimeBudgetMs} ${networkFingerprint(equation.network)}`;
    const known = reports.get(key);
    if (known !== undefined) return known;
    const report = networkCost(equation.network, {
        optimizer,
        timeBudgetMs: settings.optimizerTimeBudgetMs,
    });
    if (reports.size >= CAPACITY) reports.clear();
    reports.set(key, report);
    return report;
}

/** Everything a network's costs depend on, ranges aside: a cache key, cheaper than its JSON. */
export function networkFingerprint(network: Network): string {
    const parts: string[] = [network.name, network.output.dtype, network.output.indices.join(',')];
    for (const [index, size] of Object.entries(network.sizes)) parts.push(`${index}=${size}`);
    for (const term of network.terms) {
        parts.push(`|${term.scale}:${term.output.join(',')}`);
        for (const operand of term.operands) {
            const source = operand.source;
            const p = source.kind === 'pattern' ? source.pattern : undefined;
            parts.push(
                `${operand.name}[${operand.axes.map((axis) => axis.join('.')).join(',')}]${operand.dtype}` +
                    (p === undefined
                        ? ''
                        : `{${p.input},${p.output},${p.kernel},${p.stride},${p.dilation},${p.padLeft},${p.padRight}}`) +
                    (operand.slices === undefined ? '' : JSON.stringify(operand.slices)),
            );
        }
    }
    return parts.join(' ');
}
