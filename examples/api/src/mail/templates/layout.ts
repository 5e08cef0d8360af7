/**
 * The frame every mail shares: one table-less HTML document with inline styles (mail clients drop <style>
 * blocks and external sheets). Content arrives as the `html` tag's SafeHtml, so user values are escaped once,
 * where they were interpolated.
 */
import { html, type SafeHtml } from '@infra/mail';

/** The product name shown in every mail. */
export const appName = 'Example API';

/** Wraps a mail body in the shared document. */
export function layout(title: string, body: SafeHtml): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,sans-serif;color:#18181b">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
${body}
<p style="margin-top:32px;font-size:12px;color:#71717a">${appName}</p>
</div>
</body>
</html>`;
}

/** A button-styled link. `href` must already be a checked http(s) URL (the schemas use {@link webUrl}). */
export function button(href: string, label: string): SafeHtml {
  return html`<p><a href="${href}" style="display:inline-block;padding:10px 16px;background:#2563eb;color:#fff;border-radius:6px;text-decoration:none">${label}</a></p>`;
}
