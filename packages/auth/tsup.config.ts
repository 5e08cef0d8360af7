import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  throttle: 'src/throttle/index.ts',
  redis: 'src/redis/index.ts',
  postgres: 'src/postgres/index.ts',
});
