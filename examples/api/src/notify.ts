/**
 * The mails the API sends on its own events, through the app's mailer (`src/mail/`): welcome on registration,
 * a one-time code when two-step sign-in is enrolled (the address is proved before the second factor is on),
 * and the enrollment confirmation once it is on.
 */
import type { AppMailer } from './mail/index.ts';
import type { User } from './users.ts';

export interface Notifier {
  welcome(user: User): Promise<unknown>;
  enrollmentCode(user: User, code: string): Promise<unknown>;
  twoFactorOn(user: User): Promise<unknown>;
}

const nameOf = (user: User) => user.email.slice(0, user.email.indexOf('@'));

export function createNotifier(app: AppMailer, publicUrl: string): Notifier {
  const { mailer } = app;
  return {
    welcome: (user) =>
      mailer.send({
        template: 'welcome',
        data: { name: nameOf(user), loginUrl: `${publicUrl}/api/auth/login` },
        to: user.email,
        idempotencyKey: `welcome/${user.id}`,
      }),
    enrollmentCode: (user, code) =>
      mailer.send({
        template: 'otp',
        data: { name: nameOf(user), code, purpose: 'verify-email' },
        to: user.email,
      }),
    twoFactorOn: (user) =>
      mailer.send({
        template: 'enrollment-confirmation',
        data: {
          name: nameOf(user),
          enrolledIn: 'two-step sign-in',
          reference: user.id,
          startsAt: new Date(),
          detailsUrl: `${publicUrl}/api/auth/sessions`,
        },
        to: user.email,
      }),
  };
}
