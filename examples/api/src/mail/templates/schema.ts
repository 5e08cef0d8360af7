/** Schema parts the templates share. */
import * as z from 'zod';

/**
 * An absolute http(s) URL. A link in a mail is followed by the recipient's client, so `javascript:`, `data:` and
 * relative URLs are refused here, before rendering, rather than escaped into a link that still runs.
 */
export const webUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.hostname });

/**
 * One line of text, up to `max` characters: no control characters, so a value that reaches a subject line is
 * refused as bad template data (a 400 naming the field) rather than as a header injection at send time.
 */
export const oneLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^\P{Cc}*$/u, 'must be one line without control characters');

/** A person's name as shown in a greeting (and in the welcome mail's subject). */
export const displayName = oneLine(200);
