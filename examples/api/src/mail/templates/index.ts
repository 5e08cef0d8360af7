/** The service's five mails, each a typed template: `mailer.send({ template: 'welcome', data, to })`. */
import { enrollmentTemplate } from './enrollment.ts';
import { notificationTemplate } from './notification.ts';
import { otpTemplate } from './otp.ts';
import { receiptTemplate } from './receipt.ts';
import { welcomeTemplate } from './welcome.ts';

export { enrollmentTemplate } from './enrollment.ts';
export { notificationTemplate } from './notification.ts';
export { otpTemplate, otpValidity } from './otp.ts';
export { receiptTemplate } from './receipt.ts';
export { welcomeTemplate } from './welcome.ts';

/** Every template, as `createMailer({ templates })` takes them. */
export const appTemplates = [
  otpTemplate,
  welcomeTemplate,
  enrollmentTemplate,
  receiptTemplate,
  notificationTemplate,
] as const;

export type AppTemplates = typeof appTemplates;
