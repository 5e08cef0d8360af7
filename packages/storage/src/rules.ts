// Upload rules: which extensions a kind of file may have, which content each extension must really be (sniffed
// from its first bytes, never taken from the client's word), and how large it may be. The seed systems' four kinds
// ship ready; apps define their own with `defineRule`.
import { invalidOption } from './errors.ts';

/** An upload rule: the allowed extensions, the MIME types each may be, and a size cap. */
export interface Rule {
  /** A name for messages and events (`'image'`). */
  readonly name: string;
  /** Largest accepted body in bytes; a larger one is refused while streaming (`ERR_STORAGE_TOO_LARGE`). */
  readonly maxBytes: number;
  /**
   * Allowed extensions (lower-case, no dot) and, for each, the MIME types its content may be. The first is the
   * content type stored; the others are what sniffing may report for the same format (`doc` sniffs as
   * `application/x-cfb`). `'application/octet-stream'` in a list accepts content that sniffing does not recognise.
   */
  readonly types: Readonly<Record<string, readonly [string, ...string[]]>>;
}

/** Checks and freezes an app's own rule. @example defineRule({ name: 'avatar', maxBytes: 1 << 20, types: { png: ['image/png'] } }) */
export function defineRule(rule: Rule): Rule {
  if (typeof rule?.name !== 'string' || rule.name === '')
    throw invalidOption('rule.name', 'expected a non-empty string');
  if (!Number.isSafeInteger(rule.maxBytes) || rule.maxBytes < 0) {
    throw invalidOption(`rules.${rule.name}.maxBytes`, 'expected a whole, non-negative number of bytes');
  }
  const entries = Object.entries(rule.types ?? {});
  if (entries.length === 0) throw invalidOption(`rules.${rule.name}.types`, 'expected at least one extension');
  for (const [ext, mimes] of entries) {
    if (!/^[a-z0-9]+$/.test(ext)) {
      throw invalidOption(
        `rules.${rule.name}.types`,
        `extension "${ext}" must be lower-case letters and digits, no dot`,
      );
    }
    if (!Array.isArray(mimes) || mimes.length === 0 || !mimes.every((m) => typeof m === 'string' && m.includes('/'))) {
      throw invalidOption(`rules.${rule.name}.types.${ext}`, 'expected a non-empty list of MIME types');
    }
  }
  return Object.freeze({ name: rule.name, maxBytes: rule.maxBytes, types: Object.freeze({ ...rule.types }) });
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** The seed systems' four kinds: image (5 MiB), video (1 GiB), document (50 MiB), archive (1 GiB). */
export const rules = Object.freeze({
  image: defineRule({
    name: 'image',
    maxBytes: 5 * MiB,
    types: {
      jpg: ['image/jpeg'],
      jpeg: ['image/jpeg'],
      png: ['image/png'],
      gif: ['image/gif'],
      webp: ['image/webp'],
    },
  }),
  video: defineRule({
    name: 'video',
    maxBytes: GiB,
    types: {
      mp4: ['video/mp4'],
      avi: ['video/x-msvideo', 'video/vnd.avi'],
      mkv: ['video/x-matroska', 'video/matroska'],
      mov: ['video/quicktime'],
      flv: ['video/x-flv'],
      wmv: ['video/x-ms-wmv', 'video/x-ms-asf'],
    },
  }),
  document: defineRule({
    name: 'document',
    maxBytes: 50 * MiB,
    types: {
      pdf: ['application/pdf'],
      doc: ['application/msword', 'application/x-cfb'],
      xls: ['application/vnd.ms-excel', 'application/x-cfb'],
      ppt: ['application/vnd.ms-powerpoint', 'application/x-cfb'],
      docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      pptx: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    },
  }),
  archive: defineRule({
    name: 'archive',
    maxBytes: GiB,
    types: {
      zip: ['application/zip'],
      rar: ['application/vnd.rar', 'application/x-rar-compressed'],
      '7z': ['application/x-7z-compressed'],
      tar: ['application/x-tar'],
      gz: ['application/gzip'],
    },
  }),
} satisfies Record<string, Rule>);
