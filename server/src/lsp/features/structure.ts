/** Folding ranges (multi-line statements, comment blocks, `# region`) and selection ranges. */
import { type FoldingRange, FoldingRangeKind, type SelectionRange } from 'vscode-languageserver';
import type { Position, Range } from '../../network/ir';
import type { DocumentState } from '../documents';
import type { Feature, ServerContext } from '../server';
import { clampPosition, containsRange, sameRange, touches } from '../text';

export const structureFeature: Feature = {
    name: 'structure',
    capabilities: () => ({ foldingRangeProvider: true, selectionRangeProvider: true }),
    register(context: ServerContext): void {
        context.connection.onFoldingRanges(
            context.guard('folding ranges', (params): FoldingRange[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                return state === undefined ? null : foldingRanges(state);
            }),
        );
        context.connection.onSelectionRanges(
            context.guard('selection ranges', (params): SelectionRange[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                return params.positions.map((position) =>
                    selectionRange(state, clampPosition(state.lines, position)),
                );
            }),
        );
    },
};

export function foldingRanges(state: DocumentState): FoldingRange[] {
    const ranges: FoldingRange[] = [];
    for (const statement of state.parsed.statements) {
        if (statement.range.end.line > statement.range.start.line) {
            ranges.push({
                startLine: statement.range.start.line,
                endLine: statement.range.end.line,
            });
        }
    }
    let blockStart = -1;
    let blockEnd = -1;
    const regions: number[] = [];
    const flush = (): void => {
        if (blockEnd > blockStart) {
            ranges.push({
                startLine: blockStart,
                endLine: blockEnd,
                kind: FoldingRangeKind.Comment,
            });
        }
    };
    for (const comment of state.parsed.comments) {
        const line = comment.range.start.line;
        const lineText = state.lines[line] ?? '';
        if (/^\s*#\s*region\b/.test(lineText)) regions.push(line);
        if (/^\s*#\s*endregion\b/.test(lineText) && regions.length > 0) {
            ranges.push({
                startLine: regions.pop()!,
                endLine: line,
                kind: FoldingRangeKind.Region,
            });
        }
        const whole = lineText.trimStart().startsWith('#');
        if (!whole) continue;
        if (line === blockEnd + 1 && blockStart >= 0) {
            blockEnd = line;
        } else {
            flush();
            blockStart = line;
            blockEnd = line;
        }
    }
    flush();
    return ranges.sort((a, b) => a.startLine - b.startLine);
}

/** Every node range of the statement under the position, innermost first, then its lines. */
export function selectionRange(state: DocumentState, position: Position): SelectionRange {
    const found: Range[] = [];
    const visit = (node: unknown): void => {
        if (node === null || typeof node !== 'object') return;
        if (Array.isArray(node)) {
            for (const child of node) visit(child);
            return;
        }
        const range = (node as { range?: Range }).range;
        if (range !== undefined && !touches(range, position)) return;
        if (range !== undefined) found.push(range);
        for (const [field, child] of Object.entries(node)) {
            if (field !== 'range') visit(child);
        }
    };
    for (const statement of state.parsed.statements) {
        if (touches(statement.range, position)) visit(statement);
    }
    const word = state.parsed.tokens.find(
        (token) =>
            token.kind !== 'newline' && token.kind !== 'eof' && touches(token.range, position),
    );
    if (word !== undefined) found.push(word.range);
    const lastLine = Math.max(0, state.lines.length - 1);
    found.push({
        start: { line: 0, character: 0 },
        end: { line: lastLine, character: state.lines[lastLine]?.length ?? 0 },
    });
    // Innermost first: a range is never longer than one that contains it.
    const length = (range: Range): number =>
        state.document.offsetAt(range.end) - state.document.offsetAt(range.start);
    found.sort((a, b) => length(a) - length(b));
    const chain: Range[] = [];
    for (const range of found) {
        const inner = chain[chain.length - 1];
        if (inner === undefined) {
            chain.push(range);
        } else if (!sameRange(inner, range) && containsRange(range, inner)) {
            chain.push(range);
        }
    }
    let result: SelectionRange | undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
        result = result === undefined ? { range: chain[i]! } : { range: chain[i]!, parent: result };
    }
    return result ?? { range: { start: position, end: position } };
}
