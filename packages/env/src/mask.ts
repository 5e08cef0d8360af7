import { isSecret, redactedText } from './secret.ts';

const urlPassword = /(\/\/[^/?#:@\s]*:)[^/?#@\s]*@/g;

/** The text with the password of any `scheme://user:password@host` URL in it replaced by `***`. */
export function maskUrlPasswords(text: string): string {
  return text.replace(urlPassword, '$1***@');
}

/** Whether the text holds a URL with a password. */
export function hasUrlPassword(text: string): boolean {
  urlPassword.lastIndex = 0;
  const found = urlPassword.test(text);
  urlPassword.lastIndex = 0;
  return found;
}

/** A config value as display text: secrets `[redacted]`, URL passwords masked, structures as JSON. */
export function displayValue(value: unknown): string {
  if (isSecret(value)) return redactedText;
  if (value === undefined) return '';
  if (typeof value === 'string') return maskUrlPasswords(value);
  if (typeof value !== 'object' || value === null) return String(value);
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'string' ? maskUrlPasswords(inner) : inner));
}
