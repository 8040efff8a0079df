/**
 * Diagnostics as the user types. Analysis waits only for the messages already queued, which folds a
 * burst of keystrokes into one analysis (a burst that arrives while an analysis runs queues up behind
 * it and is folded the same way); the language core's diagnostics go out at once, with the cost model's (W103,
 * I201) of the statements that did not change; the changed ones are computed in slices between
 * other requests and published when all are known, and then the cost reports are warmed. A
 * version check at every slice means that the work for an older text stops, and never replaces
 * the diagnostics of a newer one.
 */
import type { Diagnostic } from '../../language/model';
import { toLspDiagnostic } from '../convert';
import { CostDiagnostics } from '../costDiagnostics';
import type { DocumentState } from '../documents';
import type { Feature, ServerContext } from '../server';

/**
 * No fixed wait: a timer of 0 runs after the changes already queued, so a burst still gets one
 * analysis, and a lone keystroke does not wait for keystrokes that may never come.
 */
const DEBOUNCE_MS = 0;

/** How long one slice of cost diagnostics may run before other messages get their turn. */
const SLICE_MS = 3;

export const diagnosticsFeature: Feature = {
    name: 'diagnostics',
    register(context: ServerContext): void {
        const timers = new Map<string, ReturnType<typeof setTimeout>>();
        const store = context.documents.store;
        const costs = new CostDiagnostics();

        const send = (state: DocumentState, extra: Diagnostic[]): void => {
            const diagnostics = [...state.analysis.diagnostics, ...extra].map((d) =>
                toLspDiagnostic(state.uri, d),
            );
            void context.connection.sendDiagnostics({
                uri: state.uri,
                version: state.version,
                diagnostics,
            });
        };
        const current = (uri: string, version: number): DocumentState | undefined => {
            const state = context.documents.get(uri);
            return state !== undefined && state.version === version ? state : undefined;
        };

        const publish = (uri: string, version: number): void => {
            timers.delete(uri);
            const state = current(uri, version);
            if (state === undefined) return;
            costs.setSettings(context.settings());
            const known: Diagnostic[] = [];
            const missing = state.analysis.equations.filter((equation) => {
                const cached = costs.cached(equation, state.lines);
                if (cached !== undefined) known.push(...cached);
                return cached === undefined;
            });
            send(state, known);

            // Then, in slices between other messages: the cost diagnostics of the statements the
            // cache did not know, published once all are known; then the cost reports that hovers
            // and lenses show, so that those answer at once.
            const equations = state.analysis.equations;
            let next = 0;
            let warmed = 0;
            const slice = (): void => {
                const now = current(uri, version);
                if (now === undefined) return;
                const until = performance.now() + SLICE_MS;
                try {
                    while (next < missing.length && performance.now() < until) {
                        known.push(...costs.compute(missing[next]!, now.lines));
                        next++;
                        if (next === missing.length) send(now, sortByPosition(known));
                    }
                    while (next >= missing.length && warmed < equations.length) {
                        if (performance.now() >= until) break;
                        now.cost(equations[warmed]!);
                        warmed++;
                    }
                } catch (error) {
                    context.log.error(`cost diagnostics failed: ${String(error)}`);
                    next = missing.length;
                    warmed = equations.length;
                }
                if (next < missing.length || warmed < equations.length) later(slice);
            };
            later(slice);
        };
        const schedule = (uri: string, version: number, delay: number): void => {
            clearTimeout(timers.get(uri));
            timers.set(
                uri,
                setTimeout(() => {
                    try {
                        publish(uri, version);
                    } catch (error) {
                        context.log.error(`diagnostics failed: ${String(error)}`);
                    }
                }, delay),
            );
        };

        store.onDidOpen((event) => schedule(event.document.uri, event.document.version, 0));
        store.onDidChangeContent((event) =>
            schedule(event.document.uri, event.document.version, DEBOUNCE_MS),
        );
        store.onDidClose((event) => {
            const uri = event.document.uri;
            clearTimeout(timers.get(uri));
            timers.delete(uri);
            void context.connection.sendDiagnostics({ uri, diagnostics: [] });
        });
        context.onSettingsChanged(() => {
            for (const state of context.documents.all()) schedule(state.uri, state.version, 0);
        });
    },
};

/** Runs after the messages already queued; `setImmediate` does not exist in a web worker. */
function later(work: () => void): void {
    setTimeout(work, 0);
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
    return [...diagnostics].sort(
        (a, b) =>
            a.range.start.line - b.range.start.line ||
            a.range.start.character - b.range.start.character,
    );
}
