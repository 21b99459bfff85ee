// What the pages show, built from domain results and page text. Templates only lay it out.
import type { Campaign, Locale } from '../domain/campaign';
import { overallStatus } from '../domain/actionStatus';
import type { AppError } from '../domain/errors';
import type { StoredAction } from '../domain/ports';
import type { Representative } from '../domain/representatives';
import type { LayoutModel, PageRenderer, PageText } from '../adapters/pages';
import { fill } from '../adapters/pages';
import { errorMessage, fieldMessages } from './messages';

export const MESSAGE_MAX = 2000;

/** ?lang= first, then the browser's languages, then the campaign's first language. */
export function pageLocale(query: unknown, acceptLanguage: string | undefined, available: readonly Locale[]): Locale {
  const asked = (query as { lang?: unknown })?.lang;
  if (typeof asked === 'string' && (available as string[]).includes(asked)) return asked as Locale;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if ((available as string[]).includes(code)) return code as Locale;
  }
  return available[0];
}

function withLang(url: string, locale: Locale): string {
  const [path, query = ''] = url.split('?');
  const params = new URLSearchParams(query);
  params.set('lang', locale);
  params.delete('new');
  return `${path}?${params.toString()}`;
}

export function layout(
  text: PageText,
  locale: Locale,
  other: { code: Locale; name: string },
  input: { title: string; campaign: Campaign | null; url: string; skipTarget: string; skipLabel: string; pageData?: unknown },
): LayoutModel {
  const org = input.campaign?.organisation;
  return {
    title: input.title,
    organisation: org ? org.name[locale] : 'dearmp',
    footer: org ? fill(String(text.footer), { organisation: org.name[locale], email: org.email }) : '',
    skipTarget: input.skipTarget,
    skipLabel: input.skipLabel,
    otherLanguage: { code: other.code, name: other.name, href: withLang(input.url, other.code) },
    pageData: input.pageData,
  };
}

export const otherLocale = (renderer: PageRenderer, locale: Locale): { code: Locale; name: string } => {
  const code: Locale = locale === 'en' ? 'fr' : 'en';
  return { code, name: String(renderer.text(code).languageName) };
};

export interface FormState {
  values: Record<string, string>;
  consentUpdates: boolean;
  error: AppError | null;
  mp: Representative | null;
}

const FIELDS = [
  { name: 'postalCode', type: 'text', autocomplete: 'postal-code', maxlength: 7, size: 8, inputmode: 'text' },
  { name: 'firstName', type: 'text', autocomplete: 'given-name', maxlength: 100 },
  { name: 'lastName', type: 'text', autocomplete: 'family-name', maxlength: 100 },
  { name: 'email', type: 'email', autocomplete: 'email', maxlength: 254, hint: 'emailHint' },
  { name: 'address', type: 'text', autocomplete: 'street-address', maxlength: 200, hint: 'addressHint' },
  { name: 'city', type: 'text', autocomplete: 'address-level2', maxlength: 100 },
  { name: 'message', multiline: true, maxlength: MESSAGE_MAX, optional: true, hint: 'messageHint' },
] as const;

/** Which field a whole-form error belongs to, when it belongs to one. */
const FIELD_OF: Partial<Record<string, string>> = { invalid_postal_code: 'postalCode', postal_code_not_found: 'postalCode' };

export function actionPage(renderer: PageRenderer, campaign: Campaign, locale: Locale, actions: number, form: FormState, url: string) {
  const text = renderer.text(locale);
  const f = text.form;
  const error = form.error;
  const fieldErrors: Record<string, string> = error?.details.fields ? fieldMessages(locale, error.details.fields) : {};
  const onField = error ? FIELD_OF[error.code] : undefined;
  if (error && onField) fieldErrors[onField] = error.code === 'invalid_postal_code' ? fieldErrors[onField] ?? errorMessage(locale, error.code) : errorMessage(locale, error.code);
  const districtError = error?.code === 'district_required' ? errorMessage(locale, 'district_required') : null;
  const errorList = Object.entries(fieldErrors).map(([field, message]) => ({ field, message }));
  if (districtError) errorList.push({ field: 'district-0', message: districtError });
  if (error && errorList.length === 0 && error.code !== 'campaign_closed') errorList.push({ field: 'error-summary', message: errorMessage(locale, error.code) });
  const firstInvalid = errorList[0]?.field;

  const fields = Object.fromEntries(
    FIELDS.map((field) => [
      field.name,
      {
        ...field,
        label: f[field.name],
        hint: 'hint' in field ? f[field.hint] : field.name === 'postalCode' ? f.postalCodeHint : undefined,
        value: form.values[field.name] ?? '',
        error: fieldErrors[field.name],
        optional: 'optional' in field,
        requiredWord: f.required,
        autofocus: firstInvalid === field.name,
      },
    ]),
  );
  const targets = campaign.targets.map((t) => (t.kind === 'mp' ? String(text.yourMp) : `${t.name}, ${t.role[locale]}`));
  const writesTo = targets.length > 1 ? `${targets.slice(0, -1).join(', ')} ${text.and} ${targets.at(-1)}` : targets[0];
  const number = new Intl.NumberFormat(locale === 'fr' ? 'fr-CA' : 'en-CA');
  const plural = new Intl.PluralRules(locale === 'fr' ? 'fr-CA' : 'en-CA').select(actions) === 'one' ? 'one' : 'other';
  const choices = error?.details.choices?.map((c) => ({ ...c, checked: c.district === form.values.district }));

  return renderer.render('action', locale, {
    campaign: {
      slug: campaign.slug,
      title: campaign.title[locale],
      summary: campaign.summary[locale],
      contentWarning: campaign.contentWarning?.[locale],
      body: campaign.body[locale],
      counterText: fill(text.counter[plural], { count: number.format(actions) }),
      goal: campaign.goal,
      progressValue: campaign.goal ? Math.min(actions, campaign.goal) : 0,
      progressLabel: campaign.goal ? fill(String(text.progressLabel), { count: number.format(actions), goal: number.format(campaign.goal) }) : '',
      goalText: campaign.goal ? fill(String(text.goal), { goal: number.format(campaign.goal) }) : '',
      writesTo: fill(String(text.writesTo), { targets: writesTo }),
      sendNotice: campaign.sendNotice[locale],
      updatesConsent: campaign.updatesConsent[locale],
    },
    closedMessage: campaign.status === 'open' ? null : String(text[campaign.status]),
    shownAt: Date.now(),
    form: {
      fields,
      values: { ...form.values, consentUpdates: form.consentUpdates },
      errorList,
      choices,
      districtError,
      mp: form.mp ? { ...form.mp, label: f.yourMpIs } : null,
    },
    layout: layout(text, locale, otherLocale(renderer, locale), {
      title: campaign.title[locale],
      campaign,
      url,
      skipTarget: 'form-title',
      skipLabel: String(text.skipToForm),
      pageData: {
        page: 'action',
        slug: campaign.slug,
        lang: locale,
        messageMax: MESSAGE_MAX,
        text: {
          ...pick(f, ['finding', 'chooseRiding', 'ridingHint', 'yourMpIs', 'mpPending', 'charactersLeft', 'previewTitle', 'previewPending', 'to', 'subject', 'sending', 'send', 'network']),
          postalCodeMissing: fieldMessages(locale, { postalCode: 'required' }).postalCode,
        },
      },
    }),
  });
}

const pick = (source: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, source[k]]));

export function statusPage(
  renderer: PageRenderer,
  campaign: Campaign,
  action: StoredAction,
  locale: Locale,
  links: { publicUrl: string; url: string; thanks: boolean },
) {
  const text = renderer.text(locale);
  const s = text.status;
  const statusPath = `/actions/${action.id}?token=${encodeURIComponent(action.token)}`;
  const statusUrl = `${links.publicUrl}${statusPath}`;
  const campaignUrl = `${links.publicUrl}/campaigns/${campaign.slug}?lang=${locale}`;
  const title = campaign.title[locale];
  const inProgress = overallStatus(action) === 'in_progress';
  const toName = (l: StoredAction['letters'][number]) => l.recipient.name ?? s.toMp;
  return renderer.render('status', locale, {
    thanks: links.thanks,
    pending: action.letters.some((l) => l.status === 'awaiting_lookup'),
    campaignTitle: title,
    inProgress,
    apiUrl: `/api${statusPath}`,
    selfUrl: `${statusPath}&lang=${locale}`,
    statusUrl,
    campaignUrl,
    shareMailto: `mailto:?subject=${encodeURIComponent(fill(s.shareSubject, { title }))}&body=${encodeURIComponent(fill(s.shareBody, { url: campaignUrl }))}`,
    letters: action.letters.map((l) => ({
      id: l.id,
      to: toName(l),
      role: l.recipient.name ? l.recipient.role : null,
      subject: l.subject,
      status: l.status,
      words: s.words[l.status],
    })),
    lettersAsSent: action.letters
      .filter((l) => l.text)
      .map((l) => ({ summary: fill(s.showLetter, { name: toName(l) }), subject: l.subject, text: l.text })),
    layout: layout(text, locale, otherLocale(renderer, locale), {
      title: links.thanks ? s.thanksTitle : `${s.title} · ${title}`,
      campaign,
      url: links.url,
      skipTarget: 'status-title',
      skipLabel: s.title,
      pageData: { page: 'status', lang: locale, refreshMs: 5000, text: { words: s.words, updated: s.updated, network: text.form.network } },
    }),
  });
}

export function messagePage(renderer: PageRenderer, locale: Locale, heading: string, url: string) {
  const text = renderer.text(locale);
  return renderer.render('message', locale, {
    heading,
    home: { href: `/?lang=${locale}`, label: String(text.home) },
    layout: layout(text, locale, otherLocale(renderer, locale), { title: heading, campaign: null, url, skipTarget: 'main', skipLabel: heading }),
  });
}
