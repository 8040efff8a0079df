// The cost report of hovers: a search that stopped early says so under its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { networkCost } from '../../server/src/cost/index';
import { costReport } from '../../server/src/lsp/features/hover';
import { einsumNetwork } from '../../server/src/network/einsum';

void test('a hover tells when the search did not finish, and why', () => {
    const letters = 'abcdefghijklmnopqrstuvwxy';
    const factors = Array.from({ length: 22 }, (_, k) => `${letters[k]}${letters[(k + 1) % 22]}`);
    const net = einsumNetwork(
        `${factors.join(',')}->`,
        factors.map(() => [2, 2]),
    );
    const stopped = costReport(networkCost(net, { optimizer: 'optimal', timeBudgetMs: 200 }));
    assert.match(stopped, /Search incomplete: optimal did not finish: 22 operands/);
    const finished = costReport(networkCost(net, { optimizer: 'greedy' }));
    assert.doesNotMatch(finished, /Search incomplete/);
});
