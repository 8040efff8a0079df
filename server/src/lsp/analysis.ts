/**
 * The one place the server calls the language core, so that every feature sees the same analysis
 * of a document version. The cost model's diagnostics are added by the diagnostics feature, which
 * computes them statement by statement in the background (costDiagnostics.ts).
 */
import { analyzeParsed } from '../language/analyze';
import type { Analysis } from '../language/model';
import type { ParsedFile } from '../language/parser';

// FIXME: every change re-lexes, re-parses and re-analyses the whole file; on 1,000 lines and more
// this, not the server, sets the time to diagnostics after a keystroke (bench/lsp.ts), and misses
// the goals (50 ms at 1,000 lines, 200 ms at 10,000). The profile is flat (a third of it garbage
// collection of tokens, trees and networks that all survive), so what is left is to reuse the
// unchanged statements' results, with a test that the reuse equals `analyze()` on random edits.
export function analyzeDocument(text: string, parsed: ParsedFile): Analysis {
    return analyzeParsed(text, parsed);
}
