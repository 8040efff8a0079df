// The fixture format for language tests: `.tnet` text whose comments state what analysis must find.
//
//   # expect: Y [8, 16, 16, 16]     the tensor Y has this shape
//   # expect: Y none                Y has no known shape
//   ... # expect-error E004         a diagnostic with this code starts on this line
//   #     ^^^ E004                  ...and covers exactly the columns of the carets on the line above
//
// Every diagnostic of the file must be expected, and every expectation met.
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/language/analyze';
import type { Analysis, Diagnostic } from '../../server/src/language/model';

interface Expected {
    line: number;
    code: string;
    /** Exact columns on `line`, when a caret marker gives them. */
    columns?: [number, number];
}

export interface FixtureResult {
    analysis: Analysis;
    shapes: Map<string, number[] | undefined>;
}

function describe(diagnostic: Diagnostic): string {
    const { start, end } = diagnostic.range;
    return `${diagnostic.code} at ${start.line + 1}:${start.character + 1}-${end.line + 1}:${end.character + 1}: ${diagnostic.message}`;
}

/** Analyses the fixture text and asserts every expectation written in it. */
export function checkFixture(text: string, label = 'fixture'): FixtureResult {
    const analysis = analyze(text);
    const lines = text.split(/\r\n|\n/);
    const expected: Expected[] = [];
    const shapes = new Map<string, number[] | undefined>();
    let codeLine = -1;
    lines.forEach((line, number) => {
        const caret = /^(\s*#\s*)(\^+)\s+([EWI]\d{3})\s*$/.exec(line);
        if (caret !== null) {
            const start = caret[1]!.length;
            expected.push({
                line: codeLine,
                code: caret[3]!,
                columns: [start, start + caret[2]!.length],
            });
            return;
        }
        for (const match of line.matchAll(/expect-(?:error|warning|info) ([EWI]\d{3})/g)) {
            expected.push({ line: number, code: match[1]! });
        }
        const shape = /#\s*expect:\s*(\w+)\s+(\[[^\]]*\]|none)/.exec(line);
        if (shape !== null) {
            shapes.set(
                shape[1]!,
                shape[2] === 'none' ? undefined : (JSON.parse(shape[2]!) as number[]),
            );
        }
        if (!/^\s*#/.test(line) && line.trim() !== '') codeLine = number;
    });

    const unmatched = [...analysis.diagnostics];
    const missing: string[] = [];
    for (const expectation of expected) {
        const at = unmatched.findIndex(
            (diagnostic) =>
                diagnostic.code === expectation.code &&
                diagnostic.range.start.line === expectation.line &&
                (expectation.columns === undefined ||
                    (diagnostic.range.start.character === expectation.columns[0] &&
                        diagnostic.range.end.line === expectation.line &&
                        diagnostic.range.end.character === expectation.columns[1])),
        );
        if (at < 0) {
            const columns = expectation.columns
                ? `:${expectation.columns[0] + 1}-${expectation.columns[1] + 1}`
                : '';
            missing.push(`${expectation.code} on line ${expectation.line + 1}${columns}`);
        } else {
            unmatched.splice(at, 1);
        }
    }
    assert.deepEqual(
        { missing, unexpected: unmatched.map(describe) },
        { missing: [], unexpected: [] },
        `${label}: diagnostics differ; all were:\n${analysis.diagnostics.map(describe).join('\n')}`,
    );
    for (const [name, shape] of shapes) {
        const symbol = analysis.symbols.find((candidate) => candidate.name === name);
        assert.ok(symbol !== undefined, `${label}: no symbol ${name}`);
        assert.deepEqual(symbol.shape, shape, `${label}: shape of ${name}`);
    }
    return { analysis, shapes };
}
