/** The custom requests of protocol.ts that the client's commands use. */
import type { EquationInfo } from '../../language/model';
import type { Feature, ServerContext } from '../server';
import { NetworkRequest, type StatementParams, StatementsRequest } from '../protocol';

/** The equation a request names: by name, else the one under the position, else the first. */
export function findEquation(
    equations: EquationInfo[],
    params: StatementParams,
): EquationInfo | undefined {
    if (params.name !== undefined) {
        return equations.find((equation) => equation.name === params.name);
    }
    const position = params.position;
    if (position !== undefined) {
        return equations.find(
            (equation) =>
                equation.statementRange.start.line <= position.line &&
                position.line <= equation.statementRange.end.line,
        );
    }
    return equations[0];
}

export const customRequestsFeature: Feature = {
    name: 'custom requests',
    register(context: ServerContext): void {
        context.onRequest(StatementsRequest, ({ uri }) => {
            const state = context.documents.get(uri);
            if (state === undefined) return [];
            return state.analysis.equations.map((equation) => ({
                name: equation.name,
                range: equation.statementRange,
            }));
        });
        context.onRequest(NetworkRequest, (params) => {
            const state = context.documents.get(params.uri);
            if (state === undefined) return null;
            const equation = findEquation(state.analysis.equations, params);
            if (equation?.network === undefined) return null;
            const inputs: Record<string, { shape: number[]; dtype: string }> = {};
            for (const symbol of state.analysis.symbols) {
                if (symbol.kind === 'tensor' && symbol.shape !== undefined) {
                    inputs[symbol.name] = { shape: symbol.shape, dtype: symbol.dtype ?? 'f32' };
                }
            }
            const cost = state.cost(equation);
            return {
                name: equation.name,
                range: equation.statementRange,
                network: equation.network,
                paths: cost?.terms.map((term) => term.path) ?? [],
                inputs,
            };
        });
    },
};
