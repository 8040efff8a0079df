/**
 * Code lenses on each equation: its cost in one line (resolved lazily, since the path search takes
 * its time budget), and the diagram, run and benchmark commands.
 */
import type { CodeLens } from 'vscode-languageserver';
import type { Feature, ServerContext } from '../server';
import type { StatementRef } from '../protocol';
import { bytes, ratio, shortCount } from '../format';

interface LensData {
    uri: string;
    name: string;
}

export const codeLensFeature: Feature = {
    name: 'code lenses',
    capabilities: () => ({ codeLensProvider: { resolveProvider: true } }),
    register(context: ServerContext): void {
        context.connection.onCodeLens(
            context.guard('code lenses', (params): CodeLens[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return state.analysis.equations.flatMap((equation) => {
                    const range = {
                        start: equation.nameRange.start,
                        end: equation.nameRange.start,
                    };
                    const ref: StatementRef = { uri: state.uri, name: equation.name };
                    const data: LensData = { uri: state.uri, name: equation.name };
                    if (equation.network === undefined) return [];
                    return [
                        { range, data },
                        {
                            range,
                            command: {
                                title: 'Show diagram',
                                command: 'tnet.showDiagram',
                                arguments: [ref],
                            },
                        },
                        { range, command: { title: 'Run', command: 'tnet.run', arguments: [ref] } },
                        {
                            range,
                            command: {
                                title: 'Benchmark',
                                command: 'tnet.bench',
                                arguments: [ref],
                            },
                        },
                    ];
                });
            }),
        );
        context.connection.onCodeLensResolve((lens) => {
            try {
                const data = lens.data as LensData | undefined;
                const state = data === undefined ? undefined : context.documents.get(data.uri);
                const equation = state?.analysis.equations.find((e) => e.name === data?.name);
                const cost = equation === undefined ? undefined : state!.cost(equation);
                lens.command = {
                    title: cost === undefined ? 'cost: unknown' : costLine(cost),
                    command: '',
                };
            } catch (error) {
                context.log.error(`resolving a code lens failed: ${String(error)}`);
                lens.command = { title: 'cost: unavailable', command: '' };
            }
            return lens;
        });
    },
};

export function costLine(cost: {
    flops: number;
    naiveFlops: number;
    speedup: number;
    peakMemoryBytes: number;
}): string {
    return `${shortCount(cost.flops)} FLOPs (naive ${shortCount(cost.naiveFlops)}, ${ratio(cost.speedup)} faster), peak ${bytes(cost.peakMemoryBytes)}`;
}
