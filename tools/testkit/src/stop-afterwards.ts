import { afterAll, onTestFinished } from 'vitest';

/**
 * Runs `stop` when the current test finishes, or after the current file or describe block when called
 * outside a test. (`afterAll` called from inside a test is registered too late to ever run.)
 */
export function stopAfterwards(stop: () => Promise<void>): void {
  try {
    onTestFinished(stop);
  } catch {
    afterAll(stop);
  }
}
