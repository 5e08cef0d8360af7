import { packageBuild } from '../../tsup.preset.ts';

export default packageBuild({
  index: 'src/index.ts',
  memory: 'src/memory/index.ts',
  local: 'src/local/index.ts',
  s3: 'src/s3/index.ts',
  node: 'src/node/index.ts',
});
