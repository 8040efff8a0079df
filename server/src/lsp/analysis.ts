/**
 * The one place the server calls the language core and the cost model, so that every feature
 * sees the same analysis of a document version.
 */
import { analyzeParsed } from '../language/analyze';
import type { Analysis } from '../language/model';
import type { ParsedFile } from '../language/parser';
import type { TnetSettings } from './protocol';

// FIXME: W103 and I201 come from the cost model's `diagnose()`, which is not written yet; until
// then only the language core's diagnostics are shown.
export function analyzeDocument(
    text: string,
    parsed: ParsedFile,
    _settings: TnetSettings,
): Analysis {
    return analyzeParsed(text, parsed);
}
