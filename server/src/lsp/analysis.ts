/**
 * The one place the server calls the language core and the cost model, so that every feature
 * sees the same analysis of a document version.
 */
import type { Analysis } from '../language/model';
import type { TnetSettings } from './protocol';

// FIXME: returns an empty analysis until the language core's `analyze()` lands.
export function analyzeDocument(text: string, _settings: TnetSettings): Analysis {
    void text;
    return { diagnostics: [], symbols: [], equations: [] };
}
