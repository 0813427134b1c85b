import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atLeastHealthy, majorityQuorum, quorumHealthy } from './quorum.js';

describe('quorumHealthy', () => {
  it('is down only when at least quorum verdicts are down', () => {
    assert.equal(quorumHealthy([false, true, true], 2), true);
    assert.equal(quorumHealthy([false, false, true], 2), false);
    assert.equal(
      quorumHealthy([false], 2),
      true,
      'fewer verdicts than the quorum never declare down',
    );
    assert.equal(majorityQuorum(3), 2);
    assert.equal(majorityQuorum(4), 3);
    assert.equal(majorityQuorum(1), 1);
  });
});

describe('atLeastHealthy', () => {
  it('is healthy when K of N children are', () => {
    assert.equal(atLeastHealthy([true, false, true], 2), true);
    assert.equal(atLeastHealthy([true, false, false], 2), false);
    assert.equal(atLeastHealthy([], 1), false);
  });
});
