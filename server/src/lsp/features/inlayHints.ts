/** Inlay hints: the inferred shape after each defined name, and each pattern's output size. */
import { type InlayHint, InlayHintKind } from 'vscode-languageserver';
import type { Feature, ServerContext } from '../server';
import { shapeText } from '../format';
import { overlapsLines } from '../text';
import type { Position } from '../../network/ir';

/** After the defined name, or after its index list `Y[n, d]` when it has one. */
function afterLeftSide(lines: readonly string[], start: Position): Position {
    let line = start.line;
    let character = start.character;
    const text = lines[line] ?? '';
    while (text[character] === ' ' || text[character] === '\t') character++;
    if (text[character] !== '[') return start;
    let depth = 0;
    for (; line < lines.length; line++, character = 0) {
        const current = lines[line]!;
        for (; character < current.length; character++) {
            const c = current[character];
            if (c === '#') break;
            if (c === '[' || c === '(') depth++;
            if (c === ']' || c === ')') depth--;
            if (depth === 0) return { line, character: character + 1 };
        }
    }
    return start;
}

export const inlayHintsFeature: Feature = {
    name: 'inlay hints',
    capabilities: () => ({ inlayHintProvider: true }),
    register(context: ServerContext): void {
        context.connection.languages.inlayHint.on(
            context.guard('inlay hints', (params): InlayHint[] | null => {
                const state = context.documents.get(params.textDocument.uri);
                if (state === undefined) return null;
                const { start, end } = params.range;
                const hints: InlayHint[] = [];
                for (const symbol of state.analysis.symbols) {
                    if (!overlapsLines(symbol.statementRange, start.line, end.line)) continue;
                    if (symbol.shape === undefined) continue;
                    if (symbol.kind === 'equation') {
                        hints.push({
                            position: afterLeftSide(state.lines, symbol.nameRange.end),
                            label: `: ${shapeText(symbol.shape)}`,
                            kind: InlayHintKind.Type,
                            paddingLeft: false,
                        });
                    } else if (symbol.kind === 'pattern' && symbol.pattern !== undefined) {
                        hints.push({
                            position: symbol.statementRange.end,
                            label: `→ out ${symbol.pattern.output}, shape ${shapeText(symbol.shape)}`,
                            kind: InlayHintKind.Type,
                            paddingLeft: true,
                        });
                    }
                }
                return hints;
            }),
        );
    },
};
