// I201 and W103 on .tnet text, through the real analysis.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
    budgetDiagnostics,
    diagnose,
    parseByteSize,
    simplificationHints,
} from '../../server/src/cost/diagnose';
import { analyze } from '../../server/src/language/analyze';

const CONV = `size N = 8, C = 3, H = 32, W = 32, D = 16
tensor X[N, C, H, W]
tensor K[D, C, 2, 3]
pattern P = conv(in=H, kernel=2, stride=2)
pattern Q = conv(in=W, kernel=3, stride=2, padding=1)
Y[n, d, y, x] = X[n, c, h, w] * P[h, y, i] * Q[w, x, j] * K[d, c, i, j]
`;

void describe('I201', () => {
    void it('hints the dense pattern, with what it saves, and not the padded one', () => {
        const hints = simplificationHints(analyze(CONV));
        assert.equal(hints.length, 1);
        const [hint] = hints;
        assert.equal(hint!.code, 'I201');
        assert.equal(hint!.severity, 'hint');
        assert.match(hint!.message, /^P\[h, y, i\] is dense \(kernel 2, stride 2, input 32/);
        assert.match(hint!.message, /saves [\d.e+]+ FLOPs/);
        assert.equal(hint!.range.start.line, 5);
        assert.equal(hint!.data!.simplification, 'dense-pattern');
        assert.ok((hint!.data!.flopsAfter as number) < (hint!.data!.flopsBefore as number));
    });

    void it('hints a down-sampling convolution call', () => {
        const text = `tensor X[2, 3, 12]
tensor W[4, 3, 2]
Z = conv(X, W, stride=4)
`;
        const hints = simplificationHints(analyze(text));
        assert.deepEqual(
            hints.map((hint) => hint.data!.simplification),
            ['downsampling-pattern'],
        );
        assert.equal(hints[0]!.range.start.line, 2);
    });

    void it('says nothing for an ordinary padded convolution', () => {
        const text = `tensor X[2, 3, 12]
tensor W[4, 3, 3]
Z = conv(X, W, padding=1)
`;
        assert.deepEqual(simplificationHints(analyze(text)), []);
    });
});

void describe('W103', () => {
    void it('warns when an intermediate is over the budget, naming the step', () => {
        const warnings = budgetDiagnostics(analyze(CONV), { memoryBudgetBytes: 1000 });
        assert.equal(warnings.length, 1);
        assert.equal(warnings[0]!.code, 'W103');
        assert.equal(warnings[0]!.severity, 'warning');
        assert.match(
            warnings[0]!.message,
            /an intermediate of `Y` needs .* over the memory budget/,
        );
        assert.equal(warnings[0]!.range.start.line, 5);
    });

    void it('is quiet under the default budget of 1 GiB', () => {
        assert.deepEqual(budgetDiagnostics(analyze(CONV)), []);
    });

    void it('is off with a budget of 0, as the editor setting documents', () => {
        assert.equal(budgetDiagnostics(analyze(CONV), { memoryBudgetBytes: 1 }).length, 1);
        assert.deepEqual(budgetDiagnostics(analyze(CONV), { memoryBudgetBytes: 0 }), []);
    });

    void it('does not count the result itself as an intermediate', () => {
        const text = `tensor A[1024, 64]
tensor B[64, 1024]
M = einsum("ij,jk->ik", A, B)
`;
        assert.deepEqual(budgetDiagnostics(analyze(text), { memoryBudgetBytes: 1000 }), []);
    });
});

void describe('diagnose', () => {
    void it('is analyze plus both', () => {
        const analysis = diagnose(CONV, { memoryBudgetBytes: 1000 });
        assert.deepEqual(
            analysis.diagnostics.map((d) => d.code),
            [...analyze(CONV).diagnostics.map((d) => d.code), 'I201', 'W103'],
        );
    });

    void it('parses byte sizes', () => {
        assert.equal(parseByteSize('1GiB'), 1024 ** 3);
        assert.equal(parseByteSize('512 MiB'), 512 * 1024 ** 2);
        assert.equal(parseByteSize('2GB'), 2e9);
        assert.equal(parseByteSize('4096'), 4096);
        assert.equal(parseByteSize('lots'), undefined);
    });
});
