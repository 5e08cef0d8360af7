// Typed templates: data checked by a Standard Schema (zod) before anything is sent, HTML-escaped by default, and
// `send({ template, data })` type-checked against the schema.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  createMailer,
  defineTemplate,
  html,
  MailError,
  memoryTransport,
  rawHtml,
  renderTemplate,
  type SendInput,
} from '../src/index.ts';

const otp = defineTemplate({
  name: 'otp',
  data: z.object({ code: z.string().regex(/^\d{6}$/), minutes: z.number().int().default(10) }),
  subject: 'Your code: {{code}}',
  html: (d) => html`<p>Your code is <b>${d.code}</b>. It expires in ${d.minutes} minutes.</p>`,
});

const welcome = defineTemplate({
  name: 'welcome',
  data: z.object({ name: z.string(), url: z.url() }),
  subject: 'Welcome, {{name}}',
  html: '<h1>Hello {{name}}</h1><p><a href="{{url}}">Start</a></p>',
  text: 'Hello {{name}}, start at {{url}}',
});

describe('templates', () => {
  it('renders subject, HTML and text from one definition, with schema defaults applied', async () => {
    expect(await renderTemplate(otp, { code: '482913' })).toEqual({
      subject: 'Your code: 482913',
      html: '<p>Your code is <b>482913</b>. It expires in 10 minutes.</p>',
    });
  });

  it('escapes values in HTML by default, in string templates and in the html tag', async () => {
    const rendered = await renderTemplate(welcome, { name: '<script>x</script>', url: 'https://x.example/?a=1&b="2"' });
    expect(rendered.html).toBe(
      '<h1>Hello &lt;script&gt;x&lt;/script&gt;</h1><p><a href="https://x.example/?a=1&amp;b=&quot;2&quot;">Start</a></p>',
    );
  });

  it('a plain string returned from an html function is escaped whole', async () => {
    const unsafe = defineTemplate({
      name: 'u',
      data: z.object({ n: z.string() }),
      subject: 's',
      html: (d) => `<b>${d.n}</b>`,
    });
    expect((await renderTemplate(unsafe, { n: 'x' })).html).toBe('&lt;b&gt;x&lt;/b&gt;');
  });

  it('rawHtml inserts trusted markup as is', async () => {
    const t = defineTemplate({
      name: 'r',
      data: z.object({}),
      subject: 's',
      html: () => html`<div>${rawHtml('<hr>')}</div>`,
    });
    expect((await renderTemplate(t, {})).html).toBe('<div><hr></div>');
  });

  it('bad data is ERR_MAIL_TEMPLATE_DATA naming the field, and nothing is sent', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, from: 'app@example.com', templates: [otp, welcome] });
    const error = await mailer.send({ template: 'otp', data: { code: 'abc' }, to: 'ann@example.com' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect([
      error instanceof MailError && error.code,
      String((error as Error).message).includes('code'),
      transport.messages.length,
    ]).toEqual(['ERR_MAIL_TEMPLATE_DATA', true, 0]);
  });

  it('sends a template with the text part made from its HTML', async () => {
    const transport = memoryTransport();
    const mailer = createMailer({ transport, from: 'app@example.com', templates: [otp] });
    await mailer.send({ template: 'otp', data: { code: '123456', minutes: 5 }, to: 'ann@example.com' });
    expect([transport.last()?.subject, transport.last()?.text]).toEqual([
      'Your code: 123456',
      'Your code is 123456. It expires in 5 minutes.',
    ]);
  });

  it('an unknown template name is ERR_MAIL_UNKNOWN_TEMPLATE', async () => {
    const mailer = createMailer({ transport: memoryTransport(), from: 'app@example.com', templates: [otp] });
    const input = { template: 'nope', data: {}, to: 'a@example.com' } as unknown as SendInput<[typeof otp]>;
    await expect(mailer.send(input)).rejects.toMatchObject({ code: 'ERR_MAIL_UNKNOWN_TEMPLATE' });
  });
});

describe('template types', () => {
  const mailer = createMailer({ transport: memoryTransport(), from: 'app@example.com', templates: [otp, welcome] });

  it('send takes each template with its own data type', () => {
    expectTypeOf(mailer.send).toBeCallableWith({ template: 'otp', data: { code: '1' }, to: 'a@example.com' });
    expectTypeOf(mailer.send).toBeCallableWith({
      template: 'welcome',
      data: { name: 'A', url: 'https://x' },
      to: 'a@x.com',
    });
    expectTypeOf(mailer.send).toBeCallableWith({ to: 'a@example.com', subject: 's', text: 't' });
  });

  it('data of another template, a missing field or an unknown name do not type-check', () => {
    // @ts-expect-error welcome needs name and url
    expectTypeOf(mailer.send).toBeCallableWith({ template: 'welcome', data: { code: '1' }, to: 'a@example.com' });
    // @ts-expect-error code must be a string
    expectTypeOf(mailer.send).toBeCallableWith({ template: 'otp', data: { code: 1 }, to: 'a@example.com' });
    // @ts-expect-error no such template
    expectTypeOf(mailer.send).toBeCallableWith({ template: 'receipt', data: {}, to: 'a@example.com' });
  });

  it('the template functions receive the schema output type (defaults filled in)', () => {
    defineTemplate({
      name: 't',
      data: z.object({ minutes: z.number().default(10) }),
      subject: (d) => {
        expectTypeOf(d.minutes).toEqualTypeOf<number>();
        return 's';
      },
      text: 'x',
    });
  });

  it('render is typed per template name', () => {
    expectTypeOf(mailer.render<'otp'>)
      .parameter(1)
      .toEqualTypeOf<{ code: string; minutes?: number | undefined }>();
  });
});
