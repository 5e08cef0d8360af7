/** A one-time code sent by mail (login or verification), valid for {@link otpValidity} ms. */
import { defineTemplate, html } from '@infra/mail';
import * as z from 'zod';
import { layout } from './layout.ts';
import { displayName } from './schema.ts';

/** How long a mailed code is valid: 10 minutes, the figure the mail states. */
export const otpValidity = 10 * 60_000;

export const otpTemplate = defineTemplate({
  name: 'otp',
  data: z.object({
    name: displayName,
    code: z.string().regex(/^\d{6,8}$/, 'must be 6 to 8 digits'),
    /** What the code is for, shown in the subject line. */
    purpose: z.enum(['login', 'verify-email', 'reset-password']).default('login'),
  }),
  subject: (d) => `Your ${purposes[d.purpose]} code: ${d.code}`,
  html: (d) =>
    layout(
      'Your code',
      html`<p>Hello ${d.name},</p>
<p>Your ${purposes[d.purpose]} code is</p>
<p style="font-size:28px;font-weight:700;letter-spacing:4px">${d.code}</p>
<p>It expires in ${otpValidity / 60_000} minutes. If you did not ask for it, ignore this mail.</p>`,
    ),
  text: (d) =>
    `Hello ${d.name},\n\nYour ${purposes[d.purpose]} code is ${d.code}.\nIt expires in ${otpValidity / 60_000} minutes. If you did not ask for it, ignore this mail.\n`,
});

const purposes = { login: 'sign-in', 'verify-email': 'verification', 'reset-password': 'password reset' } as const;
