import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  postgres: 'src/postgres/index.ts',
  redis: 'src/redis/index.ts',
});
