// The nearest-name search skips candidates and stops distances early for speed; it must still
// pick what a plain search over every candidate with the full edit distance picks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { closestName, editDistance } from '../../server/src/language/context';

/** The textbook edit distance over a full table. */
function referenceDistance(a: string, b: string): number {
    const table = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            table[i]![j] = Math.min(
                table[i - 1]![j]! + 1,
                table[i]![j - 1]! + 1,
                table[i - 1]![j - 1]! + cost,
            );
        }
    }
    return table[a.length]![b.length]!;
}

/** The rule of `closestName`, scoring every candidate in full. */
function referenceClosest(name: string, candidates: string[]): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const candidate of candidates) {
        if (candidate === name) continue;
        const sameStart = candidate[0]?.toLowerCase() === name[0]?.toLowerCase() ? 0.25 : 0;
        const score =
            candidate.toLowerCase() === name.toLowerCase()
                ? 0.5
                : referenceDistance(name.toLowerCase(), candidate.toLowerCase()) - sameStart;
        if (score < bestScore) {
            best = candidate;
            bestScore = score;
        }
    }
    const limit = name.length === 1 ? 0.75 : Math.max(1, Math.floor(name.length / 2));
    return bestScore <= limit ? best : undefined;
}

// Few letters, so that near and equal names are common.
const word = fc.stringMatching(/^[aAbBxX_1]{1,9}$/);

void test('the edit distance is the textbook one', () => {
    fc.assert(
        fc.property(word, word, (a, b) => editDistance(a, b) === referenceDistance(a, b)),
        { numRuns: 2000 },
    );
    // Longer than the rows kept between calls.
    const long = 'a'.repeat(100);
    assert.equal(editDistance(long, `${long}bb`), 2);
});

void test('the nearest name is the one a full search finds', () => {
    fc.assert(
        fc.property(word, fc.array(word, { maxLength: 30 }), (name, candidates) => {
            assert.equal(closestName(name, candidates), referenceClosest(name, candidates));
        }),
        { numRuns: 5000 },
    );
});
