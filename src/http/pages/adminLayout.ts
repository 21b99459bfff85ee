// What the campaigners' pages share: their language (?lang=, then the browser's), the layout with
// the signed-in campaigner's log-out form, and times as campaigners read them (Toronto, where the
// House sits).
import type { Request } from 'express';
import type { Locale } from '../../domain/campaign';
import type { LayoutModel, PageRenderer } from '../../adapters/pages';
import type { AdminSession } from '../adminAuth';
import { otherLocale, pageLocale, withLang } from './layout';

interface AdminText {
  brand: string;
  skip: string;
  titleSuffix: string;
  logOut: string;
}

export const sessionOf = (req: Request): AdminSession | undefined => (req as Request & { admin?: AdminSession }).admin;

/** The language the campaigner chose (?lang=, or a form's `lang`), if any: links and forms carry it on. */
export function askedLang(req: Request): Locale | null {
  const asked = (req.body as { lang?: unknown } | undefined)?.lang ?? req.query.lang;
  return asked === 'en' || asked === 'fr' ? asked : null;
}

/** The campaigner's language: the one they chose, else their browser's. */
export const adminLocale = (req: Request): Locale => askedLang(req) ?? pageLocale({}, req.get('accept-language'));

/** What links (`q` after a path, `amp` after a query) and forms (`chosenLang`) add to keep a chosen language; nothing otherwise. */
export function langParams(req: Request): { q: string; amp: string; chosenLang: Locale | null } {
  const lang = askedLang(req);
  return { q: lang ? `?lang=${lang}` : '', amp: lang ? `&lang=${lang}` : '', chosenLang: lang };
}

export function adminLayout(renderer: PageRenderer, req: Request, locale: Locale, title: string): LayoutModel {
  const a = renderer.text(locale).admin as AdminText;
  const session = sessionOf(req);
  const other = otherLocale(renderer, locale);
  return {
    title: `${title} · ${a.titleSuffix}`,
    organisation: a.brand,
    footer: '',
    skipTarget: 'main',
    skipLabel: a.skip,
    otherLanguage: { code: other.code, name: other.name, href: withLang(req.originalUrl, other.code) },
    admin: session ? { name: session.name, csrf: session.csrf, logOut: a.logOut } : undefined,
    wide: true,
  };
}

const TORONTO_PARTS: Record<Locale, Intl.DateTimeFormat> = Object.fromEntries(
  (['en', 'fr'] as const).map((locale) => [
    locale,
    new Intl.DateTimeFormat(locale === 'fr' ? 'fr-CA' : 'en-US', {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'America/Toronto',
    }),
  ]),
) as Record<Locale, Intl.DateTimeFormat>;

/** "Mon 24 Nov 09:06" / "lun. 24 nov. 09 h 06" in Toronto time (with the year when asked: "Mon 24 Nov 2025 09:06"). */
export function torontoTime(d: Date, withYear = false, locale: Locale = 'en'): string {
  const p = Object.fromEntries(TORONTO_PARTS[locale].formatToParts(d).map((part) => [part.type, part.value]));
  return `${p.weekday} ${p.day} ${p.month}${withYear ? ` ${p.year}` : ''} ${p.hour}${locale === 'fr' ? ' h ' : ':'}${p.minute}`;
}

/** A moment in a letter's history: "2025-11-24 14:06 UTC" (the same in every language). */
export const utcMinute = (d: Date): string => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
