// The schema module of the infra-env CLI cases: TypeScript (the annotation needs type stripping), ESM syntax.
import { port } from '@infra/env';

const description: string = 'HTTP port';

export const schema = { PORT: port().describe(description) };
