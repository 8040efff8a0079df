// Integer sizes: the limit of exact integers, said with the figures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../server/src/language/analyze';

function errorsOf(text: string): string[] {
    return analyze(text)
        .diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
        .map((diagnostic) => `${diagnostic.code} ${diagnostic.message}`);
}

const LIMIT = /integers go up to 2\^53 − 1 = 9007199254740991/;

void test('an integer written over 2^53 − 1 is E007 naming the limit, not "expected an integer"', () => {
    const [error] = errorsOf('size N = 10000000000000000000000\n');
    assert.match(error!, /^E007 integer 10000000000000000000000 is too large/);
    assert.match(error!, LIMIT);
    assert.deepEqual(errorsOf('size N = 9007199254740991\n'), []);
});

void test('an integer computed over 2^53 − 1 gives the figures and the limit', () => {
    const [error] = errorsOf('size N = 100000*100000*100000*100000\n');
    assert.match(error!, /^E007 1000000000000000 \* 100000 = 1\.000e\+20 is too large/);
    assert.match(error!, LIMIT);
});

void test('a real where an integer belongs is still "expected an integer"', () => {
    assert.deepEqual(errorsOf('size N = 2.5\n'), ['E007 expected an integer, found 2.5']);
});
