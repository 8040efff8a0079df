/**
 * The cost diagnostics: I201 where one of the paper's simplifications applies to an index
 * pattern, W103 where an intermediate outgrows the memory budget, and `diagnose` = `analyze`
 * plus both. Both use greedy paths, so that checking a file stays fast.
 */
import { analyze } from '../language/analyze';
import type { Analysis, Diagnostic, EquationInfo } from '../language/model';
import { BYTES_PER_ELEMENT, type Network, type Range } from '../network/ir';
import {
    PATTERN_SIMPLIFICATIONS,
    applySimplification,
    findSimplifications,
} from '../network/simplify';
import { networkCost } from './index';

export const DEFAULT_MEMORY_BUDGET_BYTES = 1024 ** 3;

export interface DiagnoseOptions {
    /** W103 fires above this many bytes for one intermediate (1 GiB by default; 0: never). */
    memoryBudgetBytes?: number;
    /** I201 hints; on by default. */
    simplificationHints?: boolean;
}

const UNITS: Record<string, number> = {
    '': 1,
    b: 1,
    kb: 1e3,
    mb: 1e6,
    gb: 1e9,
    tb: 1e12,
    kib: 1024,
    mib: 1024 ** 2,
    gib: 1024 ** 3,
    tib: 1024 ** 4,
};

/** Parses `1073741824`, `512MiB`, `1.5 GB`, ...; undefined when it is not a byte size. */
export function parseByteSize(text: string): number | undefined {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
    if (match === null) return undefined;
    const unit = UNITS[match[2]!.toLowerCase()];
    if (unit === undefined) return undefined;
    return Math.round(Number(match[1]) * unit);
}

export function formatBytes(bytes: number): string {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function greedyFlops(network: Network): { flops: number; structuredFlops: number } {
    const cost = networkCost(network, { optimizer: 'greedy' });
    return { flops: cost.flops, structuredFlops: cost.structuredFlops };
}

const e = (value: number): string => value.toExponential(2);

function sameRange(a: Range, b: Range): boolean {
    return (
        a.start.line === b.start.line &&
        a.start.character === b.start.character &&
        a.end.line === b.end.line &&
        a.end.character === b.end.character
    );
}

/** I201: one hint per pattern that a simplification rewrites away, with what that saves. */
export function simplificationHints(analysis: Analysis): Diagnostic[] {
    const hints: Diagnostic[] = [];
    for (const equation of analysis.equations) {
        const network = equation.network;
        if (network === undefined) continue;
        const rewrites = findSimplifications(network).filter((s) =>
            PATTERN_SIMPLIFICATIONS.includes(s.kind),
        );
        if (rewrites.length === 0) continue;
        const before = greedyFlops(network);
        for (const rewrite of rewrites) {
            const after = greedyFlops(applySimplification(network, rewrite));
            const range = rewrite.range ?? equation.statementRange;
            const saved = before.flops - after.flops;
            // Counting the pattern by its non-zeros already credits it with its sparsity, so
            // that count shrinks less: both are shown.
            const structured =
                after.structuredFlops < before.structuredFlops
                    ? `; ${e(before.structuredFlops)} → ${e(after.structuredFlops)} counting ` +
                      'pattern non-zeros'
                    : '';
            const savings =
                saved > 0
                    ? `saves ${e(saved)} FLOPs (${e(before.flops)} → ${e(after.flops)} on a ` +
                      `greedy path${structured}) and a pattern operand`
                    : 'saves a pattern operand and its index arithmetic';
            const message = `${rewrite.description}; ${savings}`;
            if (hints.some((h) => h.message === message && sameRange(h.range, range))) continue;
            hints.push({
                code: 'I201',
                severity: 'hint',
                message,
                range,
                data: {
                    simplification: rewrite.kind,
                    equation: equation.name,
                    pattern: rewrite.pattern,
                    indices: rewrite.indices,
                    flopsBefore: before.flops,
                    flopsAfter: after.flops,
                    structuredFlopsBefore: before.structuredFlops,
                    structuredFlopsAfter: after.structuredFlops,
                },
            });
        }
    }
    return hints;
}

function budgetWarning(
    equation: EquationInfo,
    network: Network,
    budget: number,
): Diagnostic | undefined {
    const cost = networkCost(network, { optimizer: 'greedy' });
    let worst:
        { bytes: number; elements: number; step: number; term: number; text: string } | undefined;
    cost.terms.forEach((report, term) => {
        // The last step makes the result itself, which is not an intermediate.
        report.steps.slice(0, -1).forEach((step, k) => {
            if (step.bytes > budget && (worst === undefined || step.bytes > worst.bytes)) {
                worst = {
                    bytes: step.bytes,
                    elements: step.shape.reduce((a, b) => a * b, 1),
                    step: k + 1,
                    term,
                    text: step.operandNames
                        .map((name, i) => `${name}[${step.operandIndices[i]!.join(', ')}]`)
                        .join(' * '),
                };
            }
        });
    });
    if (worst === undefined) return undefined;
    const dtype = network.output.dtype;
    const where = cost.terms.length > 1 ? ` of term ${worst.term + 1}` : '';
    return {
        code: 'W103',
        severity: 'warning',
        message:
            `an intermediate of \`${equation.name}\` needs ${formatBytes(worst.bytes)} ` +
            `(${worst.elements} elements of ${dtype}, step ${worst.step}${where}: ${worst.text}), ` +
            `over the memory budget of ${formatBytes(budget)}`,
        range: equation.nameRange,
        data: {
            equation: equation.name,
            bytes: worst.bytes,
            budget,
            step: worst.step,
            term: worst.term,
            bytesPerElement: BYTES_PER_ELEMENT[dtype],
        },
    };
}

/** W103: an equation whose greedy path makes an intermediate over the budget. */
export function budgetDiagnostics(
    analysis: Analysis,
    options: { memoryBudgetBytes?: number } = {},
): Diagnostic[] {
    const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
    // A budget of 0 means no budget, the same in the editor's setting and on the command line.
    if (!(budget > 0)) return [];
    return analysis.equations.flatMap((equation) => {
        if (equation.network === undefined) return [];
        const warning = budgetWarning(equation, equation.network, budget);
        return warning === undefined ? [] : [warning];
    });
}

/** An analysis with the cost diagnostics added after its own (for a caller that parsed already). */
export function addCostDiagnostics(analysis: Analysis, options: DiagnoseOptions = {}): Analysis {
    const extra = [
        ...(options.simplificationHints === false ? [] : simplificationHints(analysis)),
        ...budgetDiagnostics(analysis, options),
    ];
    if (extra.length === 0) return analysis;
    return { ...analysis, diagnostics: [...analysis.diagnostics, ...extra] };
}

/** `analyze(text)` with the cost diagnostics added after its own. */
export function diagnose(text: string, options: DiagnoseOptions = {}): Analysis {
    return addCostDiagnostics(analyze(text), options);
}
