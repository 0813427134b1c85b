import { ManualClock } from '../../src/core/testing/manual-clock.js';
import { InMemorySharedState } from '../../src/resilience/shared/in-memory-shared-state.js';
import { runSharedStateContract } from './shared-state-contract.js';

runSharedStateContract('InMemorySharedState contract', () => {
  const clock = new ManualClock({ startMs: 1_700_000_000_000 });
  return {
    state: new InMemorySharedState({ clock }),
    wait: (ms) => {
      clock.advance(ms);
      return Promise.resolve();
    },
  };
});
