// Content sniffing: what the first bytes say a body is. Binary formats come from `file-type` (a maintained magic-
// number table); SVG and other XML, which it leaves to text inspection, are recognised here.
import { fileTypeFromBuffer } from 'file-type';

/** Bytes read before the content type is decided (enough for `file-type` to walk an Office file's zip entries). */
export const sniffBytes = 64 * 1024;

const textDecoder = new TextDecoder('utf-8', { fatal: false });
// Leading noise an XML document may have before its root element: BOM, whitespace, declaration, comments, doctype.
const xmlPrologue = /^(?:\uFEFF)?(?:\s+|<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i;

/** The MIME type the first bytes of a body show, or `undefined` when they match no known format. */
export async function sniffType(head: Uint8Array): Promise<string | undefined> {
  const found = await fileTypeFromBuffer(head);
  if (found !== undefined && found.mime !== 'application/xml') return found.mime;
  const text = textDecoder.decode(head.subarray(0, 4096));
  const rest = text.slice(xmlPrologue.exec(text)?.[0].length ?? 0);
  if (/^<svg[\s>]/i.test(rest)) return 'image/svg+xml';
  if (found !== undefined || (text.trimStart().startsWith('<?xml') && rest.startsWith('<'))) return 'application/xml';
  return undefined;
}

const byExtension: Readonly<Record<string, string>> = {
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  wasm: 'application/wasm',
};

/** The usual MIME type of an extension (lower-case, no dot), for bodies whose content type nothing else decides. */
export function typeOfExtension(ext: string): string | undefined {
  return byExtension[ext];
}
