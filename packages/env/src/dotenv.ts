import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { EnvError } from './errors.ts';

/** A parsed `.env` file: Node's values, plus the line each key was (last) assigned on. */
export interface DotenvFile {
  /** The file name as given (used in `source`, e.g. `.env.local:3`). */
  name: string;
  values: Record<string, string>;
  /** 1-based line of the assignment whose value won; absent when it could not be located. */
  lines: Map<string, number>;
}

/** A file to read: a path, or `{ path, required: true }` to fail when it does not exist. */
export type EnvFile = string | { readonly path: string; readonly required?: boolean };

/**
 * Parses `.env` text with Node's own parser (`util.parseEnv`, the one behind `node --env-file`),
 * so values are exactly what Node would load, and finds the line of each key for error messages.
 */
export function parseDotenv(text: string, name = '.env'): DotenvFile {
  const values = parseEnv(text) as Record<string, string>;
  const found = assignmentLines(text);
  const lines = new Map<string, number>();
  for (const key of Object.keys(values)) {
    const line = found.get(key);
    if (line !== undefined) lines.set(key, line);
  }
  return { name, values, lines };
}

/** Reads the given files in order; a missing file is skipped unless marked required. */
export function readDotenvFiles(files: readonly EnvFile[], cwd: string): DotenvFile[] {
  const parsed: DotenvFile[] = [];
  for (const file of files) {
    const path = typeof file === 'string' ? file : file.path;
    const required = typeof file === 'string' ? false : file.required === true;
    let text: string;
    try {
      text = readFileSync(resolve(cwd, path), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && !required) continue;
      const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
      throw new EnvError('ERR_ENV_FILE', `env file ${path} ${reason} (looked in ${resolve(cwd, path)})`, {
        cause: error,
      });
    }
    parsed.push(parseDotenv(text, path));
  }
  return parsed;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n';

/**
 * Walks the text the way Node's parser (src/node_dotenv.cc, Node 24) does, step for step, but
 * records where each assignment's key starts instead of building values. Node's parser has quirks
 * (an unterminated double quote runs on to the next `"`, an indented `# a=b` is a key), and only
 * following the same steps puts a key on the line Node took it from. `parseDotenv` uses these
 * lines only for keys Node also produced, so a divergence can cost a line number, never a value.
 */
function assignmentLines(text: string): Map<string, number> {
  const s = text.replaceAll('\r', '');
  const lines = new Map<string, number>();
  let end = s.length;
  while (end > 0 && isSpace(s[end - 1])) end--;
  const skipSpaces = (from: number): number => {
    let at = from;
    while (at < end && isSpace(s[at])) at++;
    return at;
  };
  const newlineFrom = (from: number): number => {
    const at = s.indexOf('\n', from);
    return at === -1 || at >= end ? -1 : at;
  };
  // Line numbers by counting newlines up to each key; keys only move forward, so count incrementally.
  let counted = 0;
  let line = 1;
  const lineAt = (pos: number): number => {
    for (; counted < pos; counted++) if (s[counted] === '\n') line++;
    return line;
  };

  let i = skipSpaces(0);
  while (i < end) {
    if (s[i] === '\n' || s[i] === '#') {
      const nl = newlineFrom(i);
      if (nl === -1) break;
      i = nl + 1;
      continue;
    }
    let eq = i;
    while (eq < end && s[eq] !== '=' && s[eq] !== '\n') eq++;
    if (eq >= end) break;
    if (s[eq] === '\n') {
      i = skipSpaces(eq + 1);
      continue;
    }
    let keyStart = i;
    let keyEnd = eq;
    while (keyStart < keyEnd && isSpace(s[keyStart])) keyStart++;
    while (keyEnd > keyStart && isSpace(s[keyEnd - 1])) keyEnd--;
    const keyLine = lineAt(keyStart);
    i = eq + 1;
    // `KEY=` at the end of a line: Node stores it before stripping `export ` or rejecting an empty key.
    if (i >= end || s[i] === '\n') {
      lines.set(s.slice(keyStart, keyEnd), keyLine);
      continue;
    }
    i = skipSpaces(i);
    if (keyStart === keyEnd) continue;
    if (keyEnd - keyStart >= 7 && s.startsWith('export ', keyStart)) {
      keyStart += 7;
      while (keyStart < keyEnd && isSpace(s[keyStart])) keyStart++;
    }
    const key = s.slice(keyStart, keyEnd);
    lines.set(key, keyLine);
    if (i >= end) break;

    const quote = s[i];
    if (quote === '"' || quote === "'" || quote === '`') {
      const close = s.indexOf(quote, i + 1);
      if (close === -1) {
        // No closing quote: the rest of the line is the value.
        const nl = newlineFrom(i);
        if (nl === -1) break;
        i = skipSpaces(nl + 1);
        continue;
      }
      const nl = newlineFrom(close + 1);
      // Node does not skip blanks here, so an indented `# a=b` on the next line becomes a key.
      i = nl === -1 ? end : nl + 1;
      continue;
    }
    const nl = newlineFrom(i);
    i = nl === -1 ? end : skipSpaces(nl + 1);
  }
  return lines;
}
