import { hasUrlSecret } from './mask.ts';
import { isSecret } from './secret.ts';

/** Options of `redactPaths`. */
export interface RedactPathsOptions {
  /** Where the config sits in logged objects (`'config'` → `config.JWT_SECRET`). @default '' (top level) */
  prefix?: string;
}

const identifier = /^[A-Za-z_$][\w$]*$/;

/**
 * The paths of every secret (and every URL carrying userinfo or a secret-looking parameter) in `env`, in the syntax of pino's
 * `redact` option, for configs that get logged whole.
 * @example pino({ redact: redactPaths(env, { prefix: 'config' }) })
 */
export function redactPaths(env: object, options: RedactPathsOptions = {}): string[] {
  const paths: string[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (isSecret(value) || (typeof value === 'string' && hasUrlSecret(value))) {
      paths.push(path);
      return;
    }
    if (typeof value !== 'object' || value === null || depth > 16) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        visit(item, `${path}[${index}]`, depth + 1);
      });
      return;
    }
    for (const [key, inner] of Object.entries(value)) visit(inner, join(path, key), depth + 1);
  };
  for (const [key, value] of Object.entries(env)) visit(value, join(options.prefix ?? '', key), 0);
  return paths;
}

function join(path: string, key: string): string {
  if (identifier.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}
