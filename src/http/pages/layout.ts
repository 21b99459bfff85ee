// What every page shares: its language, the layout around it (header, language switch, footer),
// plural wording, and the one way a page is answered.
import { lookStylesheet, pictureOf } from './campaignLook';
import type { Response } from 'express';
import type { Campaign, Locale } from '../../domain/campaign';
import type { LayoutModel, PageRenderer, PageText } from '../../adapters/pages';
import { fill } from '../../i18n';

export const ALL_LOCALES: readonly Locale[] = ['en', 'fr'];

/** ?lang= first, then the browser's languages, then the first language available. */
export function pageLocale(query: unknown, acceptLanguage: string | undefined, available: readonly Locale[] = ALL_LOCALES): Locale {
  const asked = (query as { lang?: unknown })?.lang;
  if (typeof asked === 'string' && (available as string[]).includes(asked)) return asked as Locale;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if ((available as string[]).includes(code)) return code as Locale;
  }
  return available[0];
}

/** The same address in another language, without one-off parameters (a thank-you's `new=1`, a dashboard notice). */
export function withLang(url: string, locale: Locale): string {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', locale);
  for (const oneOff of ['new', 'done', 'n']) params.delete(oneOff);
  return `${path}?${params.toString()}`;
}

export const otherLocale = (renderer: PageRenderer, locale: Locale): { code: Locale; name: string } => {
  const code: Locale = locale === 'en' ? 'fr' : 'en';
  return { code, name: String(renderer.text(code).languageName) };
};

/** The layout of a supporter's page: the campaign's organisation in the header and footer. */
export function layout(
  renderer: PageRenderer,
  locale: Locale,
  input: { title: string; campaign: Campaign | null; url: string; skipTarget: string; skipLabel: string; pageData?: unknown },
): LayoutModel {
  const text = renderer.text(locale);
  const other = otherLocale(renderer, locale);
  const org = input.campaign?.organisation;
  return {
    title: input.title,
    organisation: org ? org.name[locale] : 'dearmp',
    footer: org
      ? fill(String(input.campaign?.kind === 'petition' ? text.footerPetition : text.footer), { organisation: org.name[locale], email: org.email })
      : '',
    skipTarget: input.skipTarget,
    skipLabel: input.skipLabel,
    otherLanguage: { code: other.code, name: other.name, href: withLang(input.url, other.code) },
    pageData: input.pageData,
    look: input.campaign
      ? { stylesheet: lookStylesheet(input.campaign), logo: input.campaign.look.logo ? pictureOf(input.campaign.look.logo, locale, '10rem') : null }
      : undefined,
  };
}

export type Plural = { one: string; other: string };

const intlLocale = (locale: Locale) => (locale === 'fr' ? 'fr-CA' : 'en-CA');
const PLURAL_RULES: Record<Locale, Intl.PluralRules> = { en: new Intl.PluralRules('en-CA'), fr: new Intl.PluralRules('fr-CA') };
const NUMBERS: Record<Locale, Intl.NumberFormat> = { en: new Intl.NumberFormat('en-CA'), fr: new Intl.NumberFormat('fr-CA') };

/** "1,234" / "1 234": a count as the language writes it. */
export const formatNumber = (locale: Locale, n: number): string => NUMBERS[locale].format(n);

/** The form of a sentence for `n` (French: 0 and 1 take the singular), with `{count}` filled in. */
export function plural(locale: Locale, forms: Plural, n: number, values: Record<string, string | number> = {}): string {
  const form = PLURAL_RULES[locale].select(n) === 'one' ? forms.one : forms.other;
  return fill(form, { count: formatNumber(locale, n), ...values });
}

export { intlLocale };

/** Every page is answered the same way: HTML, never cached (they show live counts and personal links). */
export const sendPage = (res: Response, status: number, body: string): void => {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(body);
};

export type { PageText };
