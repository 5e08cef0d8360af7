/**
 * A payment receipt. Amounts are integers in the currency's minor unit (cents), so the total is exact; the
 * template computes it from the lines rather than trusting a total passed beside them.
 */
import { defineTemplate, html } from '@infra/mail';
import * as z from 'zod';
import { layout } from './layout.ts';
import { displayName, oneLine } from './schema.ts';

const line = z.object({
  description: oneLine(200),
  quantity: z.number().int().positive(),
  /** Price of one, in minor units. */
  unitAmount: z.number().int().nonnegative(),
});

const data = z
  .object({
    name: displayName,
    receiptNumber: z.string().regex(/^[\w-]{1,64}$/),
    paidAt: z.coerce.date(),
    /** ISO 4217 code. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .refine((c) => Intl.supportedValuesOf('currency').includes(c), 'is not an ISO 4217 currency'),
    lines: z.array(line).min(1).max(100),
    /** The card or account, as the customer recognises it ("Visa •••• 4242"). */
    paymentMethod: oneLine(100),
  })
  .transform((d) => {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: d.currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    const money = (minor: number) => format.format(minor / 10 ** digits);
    const lines = d.lines.map((l) => ({ ...l, amount: money(l.quantity * l.unitAmount) }));
    const total = money(d.lines.reduce((sum, l) => sum + l.quantity * l.unitAmount, 0));
    return { ...d, lines, total, paidOn: d.paidAt.toISOString().slice(0, 10) };
  });

export const receiptTemplate = defineTemplate({
  name: 'payment-receipt',
  data,
  subject: 'Receipt {{receiptNumber}}: {{total}}',
  html: (d) =>
    layout(
      `Receipt ${d.receiptNumber}`,
      html`<p>Hello ${d.name},</p>
<p>thank you for your payment of <strong>${d.total}</strong> on ${d.paidOn} (${d.paymentMethod}).</p>
<table style="width:100%;border-collapse:collapse">
${d.lines.map((l) => html`<tr><td>${l.quantity} × ${l.description}</td><td style="text-align:right">${l.amount}</td></tr>`)}
<tr><td><strong>Total</strong></td><td style="text-align:right"><strong>${d.total}</strong></td></tr>
</table>
<p>Receipt number: ${d.receiptNumber}</p>`,
    ),
  text: (d) =>
    `Hello ${d.name},\n\nthank you for your payment of ${d.total} on ${d.paidOn} (${d.paymentMethod}).\n\n${d.lines
      .map((l) => `${l.quantity} × ${l.description}: ${l.amount}`)
      .join('\n')}\nTotal: ${d.total}\n\nReceipt number: ${d.receiptNumber}\n`,
});
