import { publishProductionChecked } from './channels.ts';
import { EnvError, invalidOption } from './errors.ts';
import { maskUrlSecrets } from './mask.ts';
import { metadataOf } from './metadata.ts';
import { checks } from './options.ts';
import { isSecret } from './secret.ts';
import type { FindingSeverity, ProductionFinding, ProductionReport } from './types.ts';

/** Options of `checkProduction`. */
export interface CheckProductionOptions {
  /** Shortest acceptable secret, in UTF-8 bytes. @default 32 */
  minSecretBytes?: number;
  /** Extra values no secret may have (compared ignoring case and punctuation), added to the built-in list. @default [] */
  denylist?: readonly string[];
}

/** Options of `assertProductionReady`. */
export interface AssertProductionReadyOptions extends CheckProductionOptions {
  /** The least severe finding that fails: `'error'` or `'warning'`. @default 'error' */
  failOn?: 'error' | 'warning';
}

// Placeholders and famous weak values, compared with case and punctuation stripped.
const builtInDenylist = [
  'changeme',
  'changethis',
  'replaceme',
  'secret',
  'password',
  'passwd',
  'default',
  'example',
  'test',
  'testing',
  'dev',
  'development',
  'admin',
  'root',
  'letmein',
  'qwerty',
  'foobar',
  'todo',
  'xxx',
  'yoursecret',
  'mysecret',
  'supersecret',
  'secretkey',
  'jwtsecret',
  'keyboardcat',
  's3cr3t',
  'p4ssw0rd',
];
const penalty: Record<FindingSeverity, number> = { error: 25, warning: 10, info: 2 };

/**
 * Checks a config for what should not reach production: weak, short, placeholder or defaulted
 * secrets; localhost URLs; plain `http://` to external services; PostgreSQL without TLS; `NODE_ENV`
 * not `production`; development defaults in use. Messages never contain a secret.
 * @example const { score, findings } = checkProduction(env)
 */
export function checkProduction(env: object, options: CheckProductionOptions = {}): ProductionReport {
  const minSecretBytes = checks.number(options.minSecretBytes, 'minSecretBytes', {
    default: 32,
    integer: true,
    min: 1,
  });
  if (options.denylist !== undefined && !Array.isArray(options.denylist)) {
    throw invalidOption('denylist', 'expected an array of strings');
  }
  const denylist = new Set([...builtInDenylist, ...(options.denylist ?? []).map(normalise)]);
  const metadata = metadataOf(env);
  const findings: ProductionFinding[] = [];
  const add = (key: string, severity: FindingSeverity, message: string) => findings.push({ key, severity, message });

  const nodeEnv = metadata?.nodeEnvSet === false ? undefined : (metadata?.nodeEnv ?? stringAt(env, 'NODE_ENV'));
  if (nodeEnv !== 'production') {
    add(
      'NODE_ENV',
      'error',
      nodeEnv === undefined ? 'NODE_ENV is not set' : `NODE_ENV is "${nodeEnv}", not "production"`,
    );
  }

  for (const [key, value] of Object.entries(env)) {
    const origin = metadata?.values.get(key);
    if (origin?.environmentDefault !== undefined && origin.environmentDefault !== 'production') {
      add(key, 'warning', `uses the ${origin.environmentDefault} default; set it for production`);
    }
    if (isSecret(value)) {
      const revealed = value.reveal();
      const text = typeof revealed === 'string' ? revealed : JSON.stringify(revealed);
      checkSecret(key, text ?? '', origin?.defaulted === true, denylist, minSecretBytes, add);
      if (typeof revealed === 'string') checkUrl(key, revealed, add);
    } else {
      for (const text of strings(value)) checkUrl(key, text, add);
    }
  }
  const score = Math.max(0, 100 - findings.reduce((sum, finding) => sum + penalty[finding.severity], 0));
  publishProductionChecked(() => ({
    score,
    findings: findings.map(({ key, severity }) => ({ key, severity })),
  }));
  return { score, findings };
}

/**
 * Throws an `EnvError` (`ERR_ENV_NOT_PRODUCTION_READY`, with `findings`) when `checkProduction`
 * finds an error (or a warning, with `failOn: 'warning'`); returns the report otherwise.
 */
export function assertProductionReady(env: object, options: AssertProductionReadyOptions = {}): ProductionReport {
  const failOn = checks.oneOf(options.failOn, 'failOn', ['error', 'warning'], 'error');
  const report = checkProduction(env, options);
  const failing = report.findings.filter(
    (finding) => finding.severity === 'error' || (failOn === 'warning' && finding.severity === 'warning'),
  );
  if (failing.length === 0) return report;
  const lines = report.findings.map((finding) => `  ${finding.severity}: ${finding.key}: ${finding.message}`);
  throw new EnvError(
    'ERR_ENV_NOT_PRODUCTION_READY',
    `Not production ready (score ${report.score}/100):\n${lines.join('\n')}`,
    { findings: report.findings },
  );
}

type Add = (key: string, severity: FindingSeverity, message: string) => void;

function checkSecret(
  key: string,
  text: string,
  defaulted: boolean,
  denylist: ReadonlySet<string>,
  minBytes: number,
  add: Add,
): void {
  if (defaulted) add(key, 'error', 'secret comes from a default value; set a real one');
  const denied = isDenied(text, denylist);
  if (denied) add(key, 'error', 'secret is a well-known placeholder or weak value');
  const size = Buffer.byteLength(text, 'utf8');
  if (size < minBytes) add(key, 'error', `secret is ${size} bytes; use at least ${minBytes} random bytes`);
  else if (!denied && entropyBits(text) < 96) {
    add(key, 'warning', 'secret has low entropy (repetitive or predictable); generate it randomly');
  }
}

function isDenied(text: string, denylist: ReadonlySet<string>): boolean {
  const plain = normalise(text);
  if (denylist.has(plain) || denylist.has(plain.replace(/\d+$/, ''))) return true;
  return /changeme|changethis|replaceme/.test(plain);
}

function normalise(text: string): string {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** Shannon entropy of the text's characters, times its length: a rough upper bound of its randomness in bits. */
function entropyBits(text: string): number {
  const chars = [...text];
  const counts = new Map<string, number>();
  for (const char of chars) counts.set(char, (counts.get(char) ?? 0) + 1);
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

function checkUrl(key: string, text: string, add: Add): void {
  if (!text.includes('://')) return;
  const url = URL.parse(text);
  if (url === null || url.hostname === '') return;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const shown = `${url.protocol}//${maskUrlSecrets(url.host)}`;
  if (isLoopback(host)) {
    add(key, 'warning', `points at ${shown}, a local address`);
    return;
  }
  if (url.protocol === 'http:' && !isPrivate(host)) {
    add(key, 'warning', `uses plain http:// for an external service (${shown}); use https://`);
  }
  if (url.protocol === 'redis:' && !isPrivate(host)) {
    add(key, 'warning', `connects to Redis at ${shown} without TLS; use rediss://`);
  }
  if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') {
    const sslmode = url.searchParams.get('sslmode')?.toLowerCase();
    const ssl = url.searchParams.get('ssl')?.toLowerCase();
    const tls = ['require', 'verify-ca', 'verify-full'].includes(sslmode ?? '') || ssl === 'true' || ssl === '1';
    if (!tls) add(key, 'warning', `connects to PostgreSQL at ${shown} without TLS; add ?sslmode=verify-full`);
  }
}

function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::1' ||
    host === '0.0.0.0' ||
    host === '::'
  );
}

/** Hosts that are not on the public internet: private ranges, link-local, single-label and internal names. */
function isPrivate(host: string): boolean {
  if (/^10\./.test(host) || /^192\.168\./.test(host) || /^169\.254\./.test(host)) return true;
  const match = /^172\.(\d+)\./.exec(host);
  if (match !== null && Number(match[1]) >= 16 && Number(match[1]) <= 31) return true;
  if (/^f[cd][0-9a-f]{2}:/.test(host) || host.startsWith('fe80:')) return true;
  if (!host.includes('.') && !host.includes(':')) return true; // `redis`, `db`: a container or cluster name
  return /\.(internal|local|lan|cluster\.local|svc)$/.test(host);
}

function stringAt(env: object, key: string): string | undefined {
  const value = (env as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
