// Suggestions for undefined names: near typos, not any name one edit away.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestName } from '../../server/src/language/context';

void test('the closest name is suggested only when it is a likely typo', () => {
    const names = ['N', 'C', 'H', 'Dq', 'stride', 'padding', 'conv_transpose'];
    assert.equal(closestName('Cx', names), 'C');
    assert.equal(closestName('strid', names), 'stride');
    assert.equal(closestName('paddign', names), 'padding');
    assert.equal(closestName('conv_tranpose', names), 'conv_transpose');
    assert.equal(closestName('n', names), 'N');
    assert.equal(closestName('D', names), 'Dq');
    // Two different one-letter names are not a typo of each other.
    assert.equal(closestName('A', names), undefined);
    assert.equal(closestName('groups', names), undefined);
});
