import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  throttle: 'src/throttle/index.ts',
  redis: 'src/redis/index.ts',
  postgres: 'src/postgres/index.ts',
  node: 'src/node/index.ts',
  express: 'src/express/index.ts',
  fastify: 'src/fastify/index.ts',
  hono: 'src/hono/index.ts',
});
