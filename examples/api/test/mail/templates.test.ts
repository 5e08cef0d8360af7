import { MailError, renderTemplate } from '@infra/mail';
import { describe, expect, it } from 'vitest';
import {
  enrollmentTemplate,
  notificationTemplate,
  otpTemplate,
  receiptTemplate,
  welcomeTemplate,
} from '../../src/mail/index.ts';

const attack = '<script>alert("x")</script> & Co';
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co';

async function templateError(promise: Promise<unknown>): Promise<MailError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailError);
  return error as MailError;
}

describe('otp', () => {
  it('shows the code and its 10-minute expiry, the name escaped', async () => {
    const mail = await renderTemplate(otpTemplate, { name: attack, code: '482913' });
    expect(mail.subject).toBe('Your sign-in code: 482913');
    expect(mail.html).toContain(escaped);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('482913');
    expect(mail.text).toContain('It expires in 10 minutes.');
  });

  it('refuses a code that is not 6-8 digits before rendering', async () => {
    const error = await templateError(renderTemplate(otpTemplate, { name: 'Ann', code: '12ab56' }));
    expect(error.code).toBe('ERR_MAIL_TEMPLATE_DATA');
    expect(error.message).toContain('code');
  });
});

describe('welcome', () => {
  it('puts the name in the subject as text and escaped in the HTML, with the sign-in link', async () => {
    const mail = await renderTemplate(welcomeTemplate, { name: attack, loginUrl: 'https://app.example.com/login' });
    expect(mail.subject).toBe(`Welcome to Example API, ${attack}`);
    expect(mail.html).toContain(escaped);
    expect(mail.html).toContain('href="https://app.example.com/login"');
  });

  it('refuses a name with a line break (it reaches the subject header)', async () => {
    const error = await templateError(
      renderTemplate(welcomeTemplate, { name: 'Ann\r\nBcc: all@example.com', loginUrl: 'https://a.example/' }),
    );
    expect(error.code).toBe('ERR_MAIL_TEMPLATE_DATA');
  });
});

describe('enrollment confirmation', () => {
  it('names what and when, escaped', async () => {
    const mail = await renderTemplate(enrollmentTemplate, {
      name: 'Ann',
      enrolledIn: attack,
      reference: 'ENR-1042',
      startsAt: '2026-01-12T09:00:00Z',
      detailsUrl: 'https://app.example.com/enrollments/ENR-1042',
    });
    expect(mail.subject).toBe(`Enrollment confirmed: ${attack}`);
    expect(mail.html).toContain(`<strong>${escaped}</strong>, starting 12 January 2026`);
    expect(mail.text).toContain('Reference: ENR-1042');
  });
});

describe('payment receipt', () => {
  const receipt = {
    name: 'Ann',
    receiptNumber: 'R-2026-0001',
    paidAt: '2026-03-01T10:00:00Z',
    currency: 'EUR',
    paymentMethod: 'Visa •••• 4242',
    lines: [
      { description: attack, quantity: 2, unitAmount: 1999 },
      { description: 'Shipping', quantity: 1, unitAmount: 450 },
    ],
  };

  it('totals the lines in minor units and escapes each description', async () => {
    const mail = await renderTemplate(receiptTemplate, receipt);
    expect(mail.subject).toBe('Receipt R-2026-0001: €44.48');
    expect(mail.html).toContain(`2 × ${escaped}`);
    expect(mail.html).toContain('€39.98');
    expect(mail.text).toContain('Total: €44.48');
  });

  it('uses the currency’s own minor unit (JPY has none)', async () => {
    const mail = await renderTemplate(receiptTemplate, {
      ...receipt,
      currency: 'JPY',
      lines: [{ description: 'Tea', quantity: 3, unitAmount: 500 }],
    });
    expect(mail.subject).toBe('Receipt R-2026-0001: ¥1,500');
  });

  it('refuses an unknown currency', async () => {
    const error = await templateError(renderTemplate(receiptTemplate, { ...receipt, currency: 'XXZ' }));
    expect(error.message).toContain('currency');
  });
});

describe('notification', () => {
  it('renders paragraphs escaped and the action link', async () => {
    const mail = await renderTemplate(notificationTemplate, {
      name: 'Ann',
      title: 'Your export is ready',
      message: `First ${attack}\n\nSecond`,
      actionUrl: 'https://app.example.com/exports/7?x=1&y=2',
      actionLabel: 'Download',
    });
    expect(mail.subject).toBe('Your export is ready');
    expect(mail.html).toContain(`<p>First ${escaped}</p><p>Second</p>`);
    expect(mail.html).toContain('href="https://app.example.com/exports/7?x=1&amp;y=2"');
    expect(mail.text).toContain('Download: https://app.example.com/exports/7?x=1&y=2');
  });

  it('refuses a javascript: action URL', async () => {
    const error = await templateError(
      renderTemplate(notificationTemplate, {
        name: 'Ann',
        title: 'Hi',
        message: 'Click',
        actionUrl: 'javascript:alert(1)',
      }),
    );
    expect(error.code).toBe('ERR_MAIL_TEMPLATE_DATA');
    expect(error.message).toContain('actionUrl');
  });
});
