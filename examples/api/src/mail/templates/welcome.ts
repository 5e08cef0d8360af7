/** Sent once an account exists. */
import { defineTemplate, html } from '@infra/mail';
import * as z from 'zod';
import { appName, button, layout } from './layout.ts';
import { displayName, webUrl } from './schema.ts';

export const welcomeTemplate = defineTemplate({
  name: 'welcome',
  data: z.object({ name: displayName, loginUrl: webUrl }),
  subject: `Welcome to ${appName}, {{name}}`,
  html: (d) =>
    layout(
      `Welcome to ${appName}`,
      html`<p>Hello ${d.name},</p>
<p>your account is ready.</p>
${button(d.loginUrl, 'Sign in')}
<p>For a second factor, turn on two-step sign-in in your account settings.</p>`,
    ),
  text: `Hello {{name}},\n\nyour account is ready. Sign in at {{loginUrl}}\n\nFor a second factor, turn on two-step sign-in in your account settings.\n`,
});
