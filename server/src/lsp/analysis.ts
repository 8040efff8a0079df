/**
 * The one place the server calls the language core, so that every feature sees the same analysis
 * of a document version. The cost model's diagnostics are added by the diagnostics feature, which
 * computes them statement by statement in the background (costDiagnostics.ts).
 */
import { IncrementalAnalysis } from '../language/incremental';
import type { Analysis } from '../language/model';
import type { ParsedFile } from '../language/parser';

// FIXME: what is reused is keyed by line (language/incrementalParse.ts keeps the lines after an
// edit only when the number of lines is unchanged; language/incremental.ts keys a statement's
// checks by its start), so an edit that adds or removes lines (Enter, deleting a line) re-parses
// and re-checks every statement below it, at about the cost of a full analysis. Moving the
// kept trees and checks by the line delta would make those edits as fast as the others.
/**
 * The analysis of a version of a document, reusing the checks of the statements that its last
 * version had too (`reuse`, one per document); equal to `analyze(text)` either way. The tree comes
 * from the document's `IncrementalParse` (documents.ts), equal to `parse(text)`.
 */
export function analyzeDocument(
    text: string,
    parsed: ParsedFile,
    reuse: IncrementalAnalysis = new IncrementalAnalysis(),
): Analysis {
    return reuse.analyze(text, parsed);
}
