import { packageBuild } from '../../tsup.preset.ts';

// `cli` is both the `infra-env` bin (it runs when executed directly) and `@infra/env/cli` (`runCli`).
export default packageBuild({ index: 'src/index.ts', cli: 'src/cli.ts' });
