/** A notification with one call to action: a title, a message and the link that acts on it. */
import { defineTemplate, html } from '@infra/mail';
import * as z from 'zod';
import { button, layout } from './layout.ts';
import { displayName, oneLine, webUrl } from './schema.ts';

export const notificationTemplate = defineTemplate({
  name: 'notification',
  data: z.object({
    name: displayName,
    title: oneLine(150),
    message: z.string().trim().min(1).max(5000),
    actionUrl: webUrl,
    actionLabel: oneLine(50).default('Open'),
  }),
  subject: '{{title}}',
  html: (d) =>
    layout(
      d.title,
      html`<p>Hello ${d.name},</p>
${d.message.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
${button(d.actionUrl, d.actionLabel)}`,
    ),
  text: `Hello {{name}},\n\n{{message}}\n\n{{actionLabel}}: {{actionUrl}}\n`,
});
