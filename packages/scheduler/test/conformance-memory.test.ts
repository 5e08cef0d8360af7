/** The coordinator conformance suite on the memory coordinator (three schedulers' view of one instance). */
import { memoryCoordinator } from '../src/index.ts';
import { coordinatorConformance } from './conformance.ts';

coordinatorConformance('memory', () => {
  const coordinator = memoryCoordinator();
  return { coordinators: [coordinator, coordinator, coordinator] };
});
