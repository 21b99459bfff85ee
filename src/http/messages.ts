// What people read when something needs their attention, in their language. Codes and field
// problems come from the domain, from body validation and from the HTTP layer's own checks; the
// words are in templates/i18n (src/i18n.ts).
import type { Locale } from '../domain/campaign';
import { textOf } from '../i18n';
import type { AnyErrorCode } from './errorCodes';

export const errorMessage = (locale: Locale, code: AnyErrorCode): string => textOf(locale).errors[code];

export function fieldMessages(locale: Locale, problems: Record<string, string>): Record<string, string> {
  const fields = textOf(locale).fieldErrors;
  return Object.fromEntries(
    Object.entries(problems).map(([field, problem]) => [field, fields[`${field}.${problem}`] ?? fields[problem] ?? fields.invalid]),
  );
}

/** The supporter's language for an error: what they chose in the form, then ?lang=, then their browser's. */
export function requestLocale(req: { body?: unknown; query?: unknown; headers: Record<string, unknown> }): Locale {
  const asked = [
    (req.body as { locale?: unknown } | undefined)?.locale,
    (req.query as { lang?: unknown } | undefined)?.lang,
    String(req.headers['accept-language'] ?? '').slice(0, 2),
  ];
  for (const value of asked) {
    if (value === 'fr' || value === 'en') return value;
  }
  return 'en';
}
