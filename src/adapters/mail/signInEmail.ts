// The email that carries a campaigner's sign-in link, in their language (templates/i18n).
import type { Locale } from '../../domain/campaign';
import { fill, textOf } from '../../i18n';
import { textToHtml } from '../campaigns/letterTemplates';

export function signInEmailWriter(publicUrl: string) {
  return ({ secret, locale, minutes }: { secret: string; locale: Locale; minutes: number }) => {
    const words = (textOf(locale).emails as { signIn: { subject: string; text: string } }).signIn;
    const link = `${publicUrl}/admin/login/link?token=${encodeURIComponent(secret)}&lang=${locale}`;
    const text = fill(words.text, { link, minutes });
    return { subject: words.subject, text, html: textToHtml(text, locale) };
  };
}
