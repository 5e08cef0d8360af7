/** The coordinator conformance suite on a real Redis node: three connections, one key prefix. */
import { redis } from '@infra/testkit';
import { redisCoordinator } from '../src/redis/index.ts';
import { coordinatorConformance } from './conformance.ts';

const r = await redis({ tag: 'scheduler' });
const clients = await Promise.all([r.connect(), r.connect(), r.connect()]);

coordinatorConformance('redis', () => ({
  coordinators: clients.map((client) => redisCoordinator({ client, prefix: r.prefix })),
}));
