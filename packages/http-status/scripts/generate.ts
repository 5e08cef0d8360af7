/**
 * Regenerates src/registry.ts from the IANA registry data kept in registry/:
 *
 *   node packages/http-status/scripts/generate.ts
 *
 * The table is generated (not hand-written) so that following a registry update is a data change
 * plus one command, and a unit test holds the committed file to exactly what this script produces.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One assigned or reserved code, as the registry lists it. */
export interface RegistryRow {
  code: number;
  /** The reason phrase; `undefined` for the codes IANA lists as "(Unused)". */
  phrase: string | undefined;
  state: 'permanent' | 'temporary' | 'obsoleted' | 'unused';
  /** Last day of a temporary registration (YYYY-MM-DD). */
  expires: string | undefined;
  reference: string;
}

/** registry/registry.json: provenance of the CSV and the deprecated names kept for compatibility. */
export interface RegistryMeta {
  source: string;
  lastUpdated: string;
  deprecatedAliases: Record<string, { code: number; reason: string }>;
}

const packageRoot = join(import.meta.dirname, '..');

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The registry's rows minus the "Unassigned" ranges, with the state read out of the description. */
export function parseRegistry(csv: string): RegistryRow[] {
  const [header, ...records] = parseCsv(csv);
  if (header?.join(',') !== 'Value,Description,Reference') {
    throw new Error(`unexpected CSV header: ${header?.join(',')}`);
  }
  const rows: RegistryRow[] = [];
  for (const [value = '', description = '', reference = ''] of records) {
    if (description === 'Unassigned') continue;
    if (!/^[1-5]\d\d$/.test(value)) throw new Error(`unexpected registry value: ${value}`);
    const code = Number(value);
    const temporary = /^(.*) \(TEMPORARY\b.*expires (\d{4}-\d{2}-\d{2})\)$/.exec(description);
    if (description === '(Unused)') {
      rows.push({ code, phrase: undefined, state: 'unused', expires: undefined, reference });
    } else if (temporary) {
      rows.push({ code, phrase: temporary[1], state: 'temporary', expires: temporary[2], reference });
    } else if (description.endsWith(' (OBSOLETED)')) {
      rows.push({
        code,
        phrase: description.slice(0, -' (OBSOLETED)'.length),
        state: 'obsoleted',
        expires: undefined,
        reference,
      });
    } else {
      rows.push({ code, phrase: description, state: 'permanent', expires: undefined, reference });
    }
  }
  return rows;
}

/** `Content Too Large` → `CONTENT_TOO_LARGE`. */
export function constantName(phrase: string): string {
  return phrase
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

const classes = [
  { type: 'InformationalStatus', digit: 1, doc: 'Assigned 1xx (informational) codes.' },
  { type: 'SuccessStatus', digit: 2, doc: 'Assigned 2xx (successful) codes.' },
  { type: 'RedirectStatus', digit: 3, doc: 'Assigned 3xx (redirection) codes.' },
  { type: 'ClientErrorStatus', digit: 4, doc: 'Assigned 4xx (client error) codes.' },
  { type: 'ServerErrorStatus', digit: 5, doc: 'Assigned 5xx (server error) codes.' },
];

const quote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function constantDoc(row: RegistryRow & { phrase: string }): string {
  const where = row.reference.replace(/\]\[/g, '], [');
  if (row.state === 'temporary') {
    return `/** ${row.code} ${row.phrase}: temporary registration, expires ${row.expires} (${where}). */`;
  }
  if (row.state === 'obsoleted')
    return `/** @deprecated ${row.code} ${row.phrase}: obsoleted in the registry (${where}). */`;
  return `/** ${row.code} ${row.phrase} (${where}). */`;
}

// The output is laid out the way the repo's formatter (Biome, 120 columns) would lay it out, so the
// committed file passes `biome check` and still equals this script's output byte for byte.
const lineWidth = 120;

function union(type: string, members: string[]): string[] {
  const line = `export type ${type} = ${members.join(' | ')};`;
  if (line.length <= lineWidth) return [line];
  return [
    `export type ${type} =`,
    ...members.map((member, i) => `  | ${member}${i === members.length - 1 ? ';' : ''}`),
  ];
}

function objectLiteral(properties: [string, string][]): string[] {
  const line = `  { ${properties.map(([key, value]) => `${key}: ${value}`).join(', ')} },`;
  if (line.length <= lineWidth) return [line];
  return ['  {', ...properties.map(([key, value]) => `    ${key}: ${value},`), '  },'];
}

/** The source text of src/registry.ts for the given registry data. */
export function generateRegistrySource(csv: string, meta: RegistryMeta): string {
  const rows = parseRegistry(csv);
  const assigned = rows.filter((row): row is RegistryRow & { phrase: string } => row.phrase !== undefined);
  const lines: string[] = [
    '// Generated by scripts/generate.ts from registry/http-status-codes.csv and registry/registry.json.',
    '// Do not edit: update the registry data and run `node scripts/generate.ts` in packages/http-status.',
    '',
    `/** The date the IANA HTTP Status Code Registry was last updated, as of the data this table is built from. */`,
    `export const REGISTRY_LAST_UPDATED = ${quote(meta.lastUpdated)};`,
    '',
    '/** Every assigned status code by its RFC 9110 (or registering RFC) name, plus deprecated former names. */',
    'export const Status = {',
  ];
  for (const row of assigned) lines.push(`  ${constantDoc(row)}`, `  ${constantName(row.phrase)}: ${row.code},`);
  for (const [name, alias] of Object.entries(meta.deprecatedAliases)) {
    lines.push(`  /** @deprecated ${alias.reason} */`, `  ${name}: ${alias.code},`);
  }
  lines.push('} as const;', '');
  for (const { type, digit, doc } of classes) {
    const codes = assigned.filter((row) => Math.floor(row.code / 100) === digit).map((row) => String(row.code));
    lines.push(`/** ${doc} */`, ...union(type, codes), '');
  }
  lines.push(
    '/** Every assigned status code (the registry minus "Unassigned" and "(Unused)"). */',
    `export type StatusCode = ${classes.map((c) => c.type).join(' | ')};`,
    '',
    '/** The reason phrase of every assigned code, as registered. */',
    'export const REASON_PHRASES = {',
  );
  for (const row of assigned) lines.push(`  ${row.code}: ${quote(row.phrase)},`);
  lines.push('} as const satisfies Record<StatusCode, string>;', '');
  lines.push(
    '/** How a code stands in the registry. */',
    "export type RegistrationState = 'permanent' | 'temporary' | 'obsoleted' | 'unused';",
    '',
    '/** One registry entry: every assigned or reserved code with its state and reference. */',
    'export interface RegistryEntry {',
    '  readonly code: number;',
    '  /** `undefined` for the codes the registry lists as "(Unused)" (306, 418). */',
    '  readonly phrase: string | undefined;',
    '  readonly state: RegistrationState;',
    '  /** Last day (YYYY-MM-DD) of a temporary registration. */',
    '  readonly expires: string | undefined;',
    '  /** The registry\'s reference column, e.g. "[RFC9110, Section 15.5.5]". */',
    '  readonly reference: string;',
    '}',
    '',
    '/** The registry, in code order, without the "Unassigned" ranges. */',
    'export const REGISTRY: readonly RegistryEntry[] = [',
  );
  for (const row of rows) {
    lines.push(
      ...objectLiteral([
        ['code', String(row.code)],
        ['phrase', row.phrase === undefined ? 'undefined' : quote(row.phrase)],
        ['state', quote(row.state)],
        ['expires', row.expires === undefined ? 'undefined' : quote(row.expires)],
        ['reference', quote(row.reference)],
      ]),
    );
  }
  lines.push('];', '');
  return lines.join('\n');
}

/** Reads the committed registry data. */
export function readRegistryData(): { csv: string; meta: RegistryMeta } {
  return {
    csv: readFileSync(join(packageRoot, 'registry/http-status-codes.csv'), 'utf8'),
    meta: JSON.parse(readFileSync(join(packageRoot, 'registry/registry.json'), 'utf8')) as RegistryMeta,
  };
}

/** Where the generated table lives. */
export const registrySourcePath = join(packageRoot, 'src/registry.ts');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { csv, meta } = readRegistryData();
  writeFileSync(registrySourcePath, generateRegistrySource(csv, meta));
  process.stdout.write(`wrote ${registrySourcePath}\n`);
}
