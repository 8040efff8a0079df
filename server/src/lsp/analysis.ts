/**
 * The one place the server calls the language core, so that every feature sees the same analysis
 * of a document version. The cost model's diagnostics are added by the diagnostics feature, which
 * computes them statement by statement in the background (costDiagnostics.ts).
 */
import { IncrementalAnalysis } from '../language/incremental';
import type { Analysis } from '../language/model';
import type { ParsedFile } from '../language/parser';

// FIXME: only the checks are reused (language/incremental.ts): every change still re-lexes and
// re-parses the whole file, which on 10,000 lines costs as much as the reused analysis, and a
// record is keyed by its statement's start, so an edit that adds or removes lines re-checks every
// statement below it. Reusing unchanged statements' tokens and trees, shifted, would remove both.
/**
 * The analysis of a version of a document, reusing the checks of the statements that its last
 * version had too (`reuse`, one per document); equal to `analyze(text)` either way.
 */
export function analyzeDocument(
    text: string,
    parsed: ParsedFile,
    reuse: IncrementalAnalysis = new IncrementalAnalysis(),
): Analysis {
    return reuse.analyze(text, parsed);
}
