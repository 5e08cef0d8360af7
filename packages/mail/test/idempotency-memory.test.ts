import { createTestClock } from '../../../internal/src/test-clock.ts';
import { memoryIdempotencyStore } from '../src/index.ts';
import { idempotencyConformance } from './idempotency-conformance.ts';

const clock = createTestClock();
idempotencyConformance(
  'memory',
  () => memoryIdempotencyStore({ clock }),
  'm:',
  async (_key, ms) => clock.advance(ms),
);
