/** The cost report of an equation, from the cost model under the configured optimizer. */
import { type NetworkCost, networkCost, OPTIMIZERS } from '../cost/index';
import type { EquationInfo } from '../language/model';
import type { TnetSettings } from './protocol';

/** The optimizer that editor views use: the configured one, or `auto` when it is not known. */
export function editorOptimizer(settings: TnetSettings): string {
    return OPTIMIZERS.includes(settings.optimizer) ? settings.optimizer : 'auto';
}

/** The costs of an equation's network, or undefined when it has none (its statement has an error). */
export function equationCost(
    equation: EquationInfo,
    settings: TnetSettings,
): NetworkCost | undefined {
    if (equation.network === undefined) return undefined;
    return networkCost(equation.network, {
        optimizer: editorOptimizer(settings),
        timeBudgetMs: settings.optimizerTimeBudgetMs,
    });
}
