/** Confirms an enrollment (in a course, a programme, a plan): what, from when, and where to see it. */
import { defineTemplate, html } from '@infra/mail';
import * as z from 'zod';
import { button, layout } from './layout.ts';
import { displayName, oneLine, webUrl } from './schema.ts';

const day = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' });

export const enrollmentTemplate = defineTemplate({
  name: 'enrollment-confirmation',
  data: z.object({
    name: displayName,
    /** What the person enrolled in. */
    enrolledIn: oneLine(200),
    /** The enrollment's reference, for support requests. */
    reference: z.string().regex(/^[\w-]{1,64}$/),
    startsAt: z.coerce.date(),
    detailsUrl: webUrl,
  }),
  subject: 'Enrollment confirmed: {{enrolledIn}}',
  html: (d) =>
    layout(
      'Enrollment confirmed',
      html`<p>Hello ${d.name},</p>
<p>you are enrolled in <strong>${d.enrolledIn}</strong>, starting ${day.format(d.startsAt)} (UTC).</p>
<p>Reference: <code>${d.reference}</code></p>
${button(d.detailsUrl, 'See the details')}`,
    ),
  text: (d) =>
    `Hello ${d.name},\n\nyou are enrolled in ${d.enrolledIn}, starting ${day.format(d.startsAt)} (UTC).\nReference: ${d.reference}\nDetails: ${d.detailsUrl}\n`,
});
