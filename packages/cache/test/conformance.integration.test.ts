/**
 * The cache conformance suite (`cache-conformance.ts`) on one Redis node; `cache-cluster.integration.test.ts`
 * runs the same suite on a 3-master Redis Cluster.
 */
import { redis } from '@infra/testkit';
import { cacheConformance } from './cache-conformance.ts';

const r = await redis({ tag: 'cconf' });

cacheConformance('one node', r);
