// The lexer and parser: ranges, continuation lines, error recovery, and position look-ups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, lex, parse, statementAt, tokenAt } from '../../server/src/language/index';

void test('tokens carry 0-based UTF-16 ranges; comments are kept apart', () => {
    const { tokens, comments } = lex('size N = 3 # é😀 note\ntensor Xé[N]\n');
    assert.deepEqual(
        tokens.slice(0, 4).map((token) => [token.kind, token.text, token.range.start.character]),
        [
            ['name', 'size', 0],
            ['name', 'N', 5],
            ['punct', '=', 7],
            ['number', '3', 9],
        ],
    );
    assert.equal(comments[0]!.text, '# é😀 note');
    // The accented letter is not part of a name: it is an invalid token one UTF-16 unit wide.
    const invalid = tokens.find((token) => token.kind === 'invalid')!;
    assert.deepEqual(invalid.range, {
        start: { line: 1, character: 8 },
        end: { line: 1, character: 9 },
    });
});

void test('a statement continues over lines while ( or [ is open', () => {
    const text = 'size N = 2\ntensor A[N,\n    N]\nY = einsum("ij->ji",\n    A)\n';
    const tree = parse(text);
    assert.deepEqual(tree.errors, []);
    assert.deepEqual(
        tree.statements.map((statement) => [
            statement.kind,
            statement.range.start.line,
            statement.range.end.line,
        ]),
        [
            ['size', 0, 0],
            ['tensor', 1, 2],
            ['call', 3, 4],
        ],
    );
    assert.deepEqual(analyze(text).symbols.find((symbol) => symbol.name === 'Y')!.shape, [2, 2]);
});

void test('an unclosed bracket ends at the next line that starts with a keyword', () => {
    const text = 'size N = 2\ntensor A[N, N\ntensor B[N]\nY[i] = B[i]\n';
    const analysis = analyze(text);
    assert.deepEqual(
        analysis.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
        [['E001', 2]],
    );
    assert.deepEqual(analysis.symbols.find((symbol) => symbol.name === 'B')!.shape, [2]);
});

void test('each bad statement gets its own E001 and the rest of the file is still checked', () => {
    const text = [
        'size N = 2 +',
        'tensor A[N, N] : ',
        'tensor B[3, 3]',
        'Y[i, j] = B[i, k] * * B[k, j]',
        'Z[i, j] = B[i, k] * B[k, j]',
        '= 3',
        'W = B[i, j] Y',
    ].join('\n');
    const analysis = analyze(text);
    assert.deepEqual(
        analysis.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
        [
            ['E001', 0],
            ['E001', 1],
            ['E001', 3],
            ['E001', 5],
            ['E001', 6],
        ],
    );
    assert.deepEqual(analysis.symbols.find((symbol) => symbol.name === 'Z')!.shape, [3, 3]);
    // Names whose statements failed are still defined, without a shape.
    for (const name of ['N', 'A', 'Y', 'W']) {
        const symbol = analysis.symbols.find((candidate) => candidate.name === name);
        assert.ok(symbol !== undefined, name);
        assert.equal(symbol.shape, undefined);
    }
});

void test('syntax errors say what was expected and what was found', () => {
    const cases: [string, RegExp][] = [
        ['tensor X[2, 3', /expected `,` or `]`, found the end of the line/],
        ['size = 3', /expected a size name, found `=`/],
        ['tensor X[2] : f16 extra', /expected the end of the statement, found `extra`/],
        ['Y[i] = conv(X, W)', /a call defines a whole tensor: write `Y = conv\(\.\.\.\)`/],
        ['pattern P = 3', /expected a pattern call/],
        ['size N = "3', /unterminated string/],
        ['size N = 3 $', /unexpected character `\$`/],
        ['size N = 3 \u{1F600}', /unexpected character `\u{1F600}`$/u],
        ['size N = 3 \0', /unexpected character U\+0000$/],
        ['size N = 3 \uD83D', /unexpected character U\+D83D$/],
    ];
    for (const [text, message] of cases) {
        const errors = analyze(text).diagnostics.filter((diagnostic) => diagnostic.code === 'E001');
        assert.equal(errors.length, 1, text);
        assert.match(errors[0]!.message, message, text);
    }
});

void test('the statement and the token at a position', () => {
    const text = 'size N = 2\ntensor A[N, N]\nY[i, j] = A[j, i]\n';
    const tree = parse(text);
    assert.equal(statementAt(tree, { line: 1, character: 3 })?.kind, 'tensor');
    assert.equal(statementAt(tree, { line: 2, character: 16 })?.kind, 'equation');
    assert.equal(statementAt(tree, { line: 5, character: 0 }), undefined);
    assert.equal(tokenAt(tree, { line: 1, character: 9 })?.text, 'N');
    // At the end of a name, the name wins over the punctuation that follows.
    assert.equal(tokenAt(tree, { line: 1, character: 8 })?.text, 'A');
    assert.equal(tokenAt(tree, { line: 2, character: 12 })?.text, 'j');
});

void test('symbols record every reference, for navigation and rename', () => {
    const text = 'size N = 2\ntensor A[N, N]\nY[i, j] = A[j, i] * N\nZ = einsum("ij->i", A)\n';
    const analysis = analyze(text);
    const n = analysis.symbols.find((symbol) => symbol.name === 'N')!;
    assert.deepEqual(
        n.references.map((range) => [range.start.line, range.start.character]),
        [
            [1, 9],
            [1, 12],
            [2, 20],
        ],
    );
    const a = analysis.symbols.find((symbol) => symbol.name === 'A')!;
    assert.equal(a.references.length, 2);
    assert.equal(n.expression, '2');
    assert.equal(n.value, 2);
    const y = analysis.equations.find((equation) => equation.name === 'Y')!;
    const j = y.indices.find((index) => index.name === 'j')!;
    assert.equal(j.occurrences.length, 2);
    assert.equal(j.summed, false);
    assert.equal(j.sizeReason, 'axis 0 of `A`');
});
