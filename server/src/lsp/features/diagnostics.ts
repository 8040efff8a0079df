/**
 * Diagnostics as the user types: a short debounce per document, and a version check so that an
 * analysis of an older text never replaces the diagnostics of a newer one.
 */
import type { Feature, ServerContext } from '../server';
import { toLspDiagnostic } from '../convert';

/** Long enough to fold a burst of keystrokes into one analysis, short enough to feel immediate. */
const DEBOUNCE_MS = 20;

export const diagnosticsFeature: Feature = {
    name: 'diagnostics',
    register(context: ServerContext): void {
        const timers = new Map<string, ReturnType<typeof setTimeout>>();
        const store = context.documents.store;

        const publish = (uri: string, version: number): void => {
            timers.delete(uri);
            const state = context.documents.get(uri);
            if (state === undefined || state.version !== version) return;
            const diagnostics = state.analysis.diagnostics.map((d) => toLspDiagnostic(uri, d));
            void context.connection.sendDiagnostics({ uri, version, diagnostics });
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
