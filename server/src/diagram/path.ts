/**
 * A contraction path as the diagram shows it: for each step, which nodes the two merged operands
 * stand for, the intermediate's indices, shape, FLOPs and bytes, and the running totals.
 */
import type { ContractionStep } from '../cost';

export interface DiagramStep {
    term: number;
    /** 1-based within the term, as shown. */
    step: number;
    /** Per merged operand, the diagram node ids it stands for (an intermediate, several). */
    merged: string[][];
    /** The merged operands' names (`#k` for the result of step k). */
    names: string[];
    indices: string[];
    summed: string[];
    shape: number[];
    flops: number;
    bytes: number;
    totalFlops: number;
    /** The largest intermediate so far, in bytes. */
    peakBytes: number;
}

/**
 * Maps a term's steps (linear format: positions in the current operand list, the result appended
 * at the end) onto the term's diagram nodes, `t<term>:o<position>`.
 */
export function diagramSteps(
    term: number,
    operandCount: number,
    steps: readonly ContractionStep[],
    start: { totalFlops: number; peakBytes: number } = { totalFlops: 0, peakBytes: 0 },
): DiagramStep[] {
    const current: string[][] = Array.from({ length: operandCount }, (_, k) => [`t${term}:o${k}`]);
    let totalFlops = start.totalFlops;
    let peakBytes = start.peakBytes;
    return steps.map((step, k) => {
        const merged = step.operands.map((position) => current[position] ?? []);
        for (const position of [...step.operands].sort((a, b) => b - a)) {
            current.splice(position, 1);
        }
        current.push(merged.flat());
        totalFlops += step.flops;
        peakBytes = Math.max(peakBytes, step.bytes);
        return {
            term,
            step: k + 1,
            merged,
            names: step.operandNames,
            indices: step.indices,
            summed: step.summed,
            shape: step.shape,
            flops: step.flops,
            bytes: step.bytes,
            totalFlops,
            peakBytes,
        };
    });
}
