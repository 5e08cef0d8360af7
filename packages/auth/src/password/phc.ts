/**
 * PHC string format (`$id$v=19$m=19456,t=2,p=1$salt$hash`): the one way a hash and the parameters that made it
 * travel together, so a later `verify` knows how to recompute it and whether it is outdated.
 */

/** A parsed PHC string. Parameters stay strings: each algorithm reads and checks its own. */
export interface PhcHash {
  id: string;
  version: number | undefined;
  params: Record<string, string>;
  salt: Uint8Array;
  hash: Uint8Array;
}

/** Unpadded standard base64, as the PHC format asks. */
export function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

const b64Pattern = /^[A-Za-z0-9+/]*$/;

function fromB64(text: string): Uint8Array | undefined {
  if (!b64Pattern.test(text) || text.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Writes a PHC string. */
export function formatPhc(
  id: string,
  version: number | undefined,
  params: Record<string, number>,
  salt: Uint8Array,
  hash: Uint8Array,
): string {
  const fields = Object.entries(params)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return `$${id}${version === undefined ? '' : `$v=${version}`}$${fields}$${b64(salt)}$${b64(hash)}`;
}

/** Reads a PHC string with a salt and a hash; anything else is `undefined`. */
export function parsePhc(text: string): PhcHash | undefined {
  const parts = text.split('$');
  // ['', id, (v=..), params, salt, hash]
  if (parts[0] !== '' || (parts.length !== 5 && parts.length !== 6)) return undefined;
  const id = parts[1] ?? '';
  if (!/^[a-z0-9-]{1,32}$/.test(id)) return undefined;
  let version: number | undefined;
  let index = 2;
  if (parts.length === 6) {
    const match = /^v=(\d{1,4})$/.exec(parts[2] ?? '');
    if (match === null) return undefined;
    version = Number(match[1]);
    index = 3;
  }
  const params: Record<string, string> = {};
  for (const field of (parts[index] ?? '').split(',')) {
    const match = /^([a-z0-9-]{1,32})=([A-Za-z0-9/+.-]{1,64})$/.exec(field);
    if (match === null) return undefined;
    params[match[1] as string] = match[2] as string;
  }
  const salt = fromB64(parts[index + 1] ?? '');
  const hash = fromB64(parts[index + 2] ?? '');
  if (salt === undefined || hash === undefined || salt.length === 0 || hash.length === 0) return undefined;
  return { id, version, params, salt, hash };
}

/** A whole-number parameter within limits, or `undefined`. */
export function intParam(params: Record<string, string>, name: string, min: number, max: number): number | undefined {
  const text = params[name];
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}
