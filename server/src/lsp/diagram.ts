/**
 * The server side of the diagram preview: `tnet/diagram` draws the equation a request names (or
 * the one under its position), with its source ranges and contraction path, and remembers each
 * statement's layout so that the next drawing after an edit keeps unchanged nodes in place.
 */
import { contractionPath, OPTIMIZERS } from '../cost';
import { drawNetwork, type LayoutHints } from '../diagram';
import { diagramSteps } from '../diagram/path';
import type { EquationInfo } from '../language/model';
import type { Range } from '../network/ir';
import {
    DiagramRequest,
    type DiagramIndexRanges,
    type DiagramNodeInfo,
    type DiagramResult,
    type DiagramStepInfo,
    type StatementParams,
} from './protocol';
import type { DocumentState } from './documents';
import type { Feature, ServerContext } from './server';
import { findEquation } from './features/custom';

/** At most this many statements' layouts are remembered, the least recently drawn dropped first. */
const REMEMBERED_LAYOUTS = 200;

export const diagramFeature: Feature = {
    name: 'diagram',
    register(context: ServerContext): void {
        const hints = new Map<string, LayoutHints>();
        // One drawing at a time: each starts from the layout the one before it left.
        let queue: Promise<unknown> = Promise.resolve();
        const answer = async (params: StatementParams): Promise<DiagramResult | null> => {
            try {
                const state = context.documents.get(params.uri);
                if (state === undefined) return null;
                const equation = findEquation(state.analysis.equations, params);
                if (equation === undefined) return null;
                return await drawEquation(context, state, equation, hints);
            } catch (error) {
                context.log.error(
                    `${DiagramRequest.method} failed: ${(error as Error).stack ?? String(error)}`,
                );
                return null;
            }
        };
        context.connection.onRequest(DiagramRequest.method, (params: StatementParams) => {
            const result = queue.then(() => answer(params));
            queue = result;
            return result;
        });
    },
};

async function drawEquation(
    context: ServerContext,
    state: DocumentState,
    equation: EquationInfo,
    hints: Map<string, LayoutHints>,
): Promise<DiagramResult> {
    const base = {
        uri: state.uri,
        version: state.version,
        statement: equation.name,
        statements: state.analysis.equations.map((e) => e.name),
        range: equation.statementRange,
    };
    const network = equation.network;
    if (network === undefined) {
        return {
            ...base,
            svg: '',
            width: 0,
            height: 0,
            nodes: [],
            indices: [],
            steps: [],
            error: `${equation.name} has errors; fix them to see its diagram`,
        };
    }
    const key = `${state.uri}#${equation.name}`;
    const { svg, layout } = await drawNetwork(network, {
        hints: hints.get(key),
        standalone: false,
    });
    hints.delete(key);
    hints.set(key, layout.hints);
    if (hints.size > REMEMBERED_LAYOUTS) hints.delete(hints.keys().next().value!);

    const nodes: DiagramNodeInfo[] = layout.nodes
        .filter((node) => node.tensor !== undefined)
        .map((node) => ({
            id: node.id,
            tensor: node.tensor!,
            kind: node.kind,
            range: node.kind === 'output' ? equation.nameRange : node.range,
        }));
    const indices: DiagramIndexRanges[] = equation.indices.map((index) => ({
        name: index.name,
        size: index.size,
        ranges: index.occurrences,
    }));
    for (const name of Object.keys(network.sizes)) {
        if (!indices.some((index) => index.name === name)) {
            indices.push({ name, size: network.sizes[name]!, ranges: [] as Range[] });
        }
    }

    const settings = context.settings();
    const steps: DiagramStepInfo[] = [];
    let totals = { totalFlops: 0, peakBytes: 0 };
    network.terms.forEach((term, k) => {
        const options = {
            optimizer: OPTIMIZERS.includes(settings.optimizer) ? settings.optimizer : 'auto',
            timeBudgetMs: settings.optimizerTimeBudgetMs,
        };
        const report = contractionPath(term, network.sizes, network.output.dtype, options);
        const termSteps = diagramSteps(k, term.operands.length, report.steps, totals);
        const last = termSteps[termSteps.length - 1];
        if (last !== undefined) totals = last;
        steps.push(...termSteps);
    });
    return {
        ...base,
        svg,
        width: layout.width,
        height: layout.height,
        nodes,
        indices,
        steps,
    };
}
