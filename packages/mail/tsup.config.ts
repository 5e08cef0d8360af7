import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  smtp: 'src/smtp/index.ts',
  redis: 'src/redis/index.ts',
});
