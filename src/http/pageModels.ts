// What the pages show, built from domain results and page text. Templates only lay it out.
import type { Campaign, Locale } from '../domain/campaign';
import type { CampaignState } from '../domain/campaignLifecycle';
import { longDate, type RenderedLetter } from '../domain/letters';
import { overallStatus } from '../domain/actionStatus';
import type { ServiceError } from './errorResponse';
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
    footer: org
      ? fill(String(input.campaign?.kind === 'petition' ? text.footerPetition : text.footer), { organisation: org.name[locale], email: org.email })
      : '',
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
  error: ServiceError | null;
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

/** Each field's label, hint, value and error, for the field partial. `hints` replaces a field's hint. */
function fieldModels(
  f: Record<string, string>,
  form: FormState,
  fieldErrors: Record<string, string>,
  firstInvalid: string | undefined,
  hints: Partial<Record<(typeof FIELDS)[number]['name'], string>>,
) {
  return Object.fromEntries(
    FIELDS.map((field) => [
      field.name,
      {
        ...field,
        label: f[field.name],
        hint: hints[field.name] ?? ('hint' in field ? f[field.hint] : field.name === 'postalCode' ? f.postalCodeHint : undefined),
        value: form.values[field.name] ?? '',
        error: fieldErrors[field.name],
        optional: 'optional' in field,
        requiredWord: f.required,
        autofocus: firstInvalid === field.name,
      },
    ]),
  );
}

/** The form's errors: by field (with the summary's list) and the first field to focus. */
function formErrors(locale: Locale, error: ServiceError | null, wholeFormMessage?: string) {
  const fieldErrors: Record<string, string> = error?.details.fields ? fieldMessages(locale, error.details.fields) : {};
  const onField = error ? FIELD_OF[error.code] : undefined;
  if (error && onField) fieldErrors[onField] = error.code === 'invalid_postal_code' ? fieldErrors[onField] ?? errorMessage(locale, error.code) : errorMessage(locale, error.code);
  const errorList = Object.entries(fieldErrors).map(([field, message]) => ({ field, message }));
  if (error && errorList.length === 0 && error.code !== 'campaign_closed') errorList.push({ field: 'error-summary', message: wholeFormMessage ?? errorMessage(locale, error.code) });
  return { fieldErrors, errorList, firstInvalid: errorList[0]?.field };
}

type Plural = { one: string; other: string };

interface PetitionText {
  skipToForm: string;
  formTitle: string;
  sign: string;
  signing: string;
  emailHint: string;
  emailHintConfirm: string;
  postalCodeHint: string;
  tryAgain: string;
  counter: Plural;
  counterGoal: Plural;
}

interface ClosedText {
  paused: string;
  closed: string;
  thanks: Plural;
  thanksNone: string;
  notStarted: string;
}

interface ConfirmText {
  titleSignature: string;
  titleLetters: string;
  leadSignature: string;
  leadLetters: string;
  doneTitle: string;
  doneSignature: string;
  doneLetters: string;
  alreadyTitle: string;
  alreadySignature: string;
  alreadyLetters: string;
  invalid: string;
}

const intlLocale = (locale: Locale) => (locale === 'fr' ? 'fr-CA' : 'en-CA');
const pluralOf = (locale: Locale, n: number): keyof Plural => (new Intl.PluralRules(intlLocale(locale)).select(n) === 'one' ? 'one' : 'other');

/** The public counter: "1,234 people have taken action" (letters) or "1,234 of 10,000 signatures" (petitions), with the goal's progress bar. */
export function counterModel(text: PageText, campaign: Campaign, locale: Locale, actions: number) {
  const number = new Intl.NumberFormat(intlLocale(locale));
  const plural = pluralOf(locale, actions);
  const count = number.format(actions);
  const goal = campaign.goal ? number.format(campaign.goal) : '';
  const petition = text.petition as PetitionText;
  const counterText =
    campaign.kind === 'petition'
      ? campaign.goal
        ? fill(petition.counterGoal[plural], { count, goal })
        : fill(petition.counter[plural], { count })
      : fill(text.counter[plural], { count });
  return {
    counterText,
    goal: campaign.goal,
    progressValue: campaign.goal ? Math.min(actions, campaign.goal) : 0,
    progressLabel: campaign.goal ? fill(String(text.progressLabel), { count, goal }) : '',
    // A petition's counter already says its goal.
    goalText: campaign.goal && campaign.kind !== 'petition' ? fill(String(text.goal), { goal }) : '',
  };
}

export function actionPage(renderer: PageRenderer, campaign: Campaign, locale: Locale, actions: number, form: FormState, url: string) {
  const text = renderer.text(locale);
  const f = text.form;
  const error = form.error;
  const districtError = error?.code === 'district_required' ? errorMessage(locale, 'district_required') : null;
  // The riding's choice is not a field: its error goes in the list, not as a whole-form error.
  const { fieldErrors, errorList } = formErrors(locale, districtError ? null : error);
  if (districtError) errorList.push({ field: 'district-0', message: districtError });
  const firstInvalid = errorList[0]?.field;

  const fields = fieldModels(f, form, fieldErrors, firstInvalid, {});
  const targets = campaign.targets.map((t) => (t.kind === 'mp' ? String(text.yourMp) : `${t.name}, ${t.role[locale]}`));
  const writesTo = targets.length > 1 ? `${targets.slice(0, -1).join(', ')} ${text.and} ${targets.at(-1)}` : targets[0];
  const choices = error?.details.choices?.map((c) => ({ ...c, checked: c.district === form.values.district }));

  return renderer.render('action', locale, {
    campaign: { ...campaignModel(text, campaign, locale, actions), writesTo: fill(String(text.writesTo), { targets: writesTo }) },
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
  /** The public counter, shown with a signature. */
  actions = 0,
) {
  const text = renderer.text(locale);
  const s = text.status;
  const statusPath = `/actions/${action.id}?token=${encodeURIComponent(action.token)}`;
  const statusUrl = `${links.publicUrl}${statusPath}`;
  const campaignUrl = `${links.publicUrl}/campaigns/${campaign.slug}?lang=${locale}`;
  const title = campaign.title[locale];
  const inProgress = overallStatus(action) === 'in_progress';
  const toName = (l: StoredAction['letters'][number]) => l.recipient.name ?? s.toMp;
  // A petition's signature carries no letters: thanks, the counter and sharing, nothing to follow.
  const isSignature = action.letters.length === 0;
  const signature = isSignature
    ? {
        headingId: links.thanks ? 'thanks-title' : 'status-title',
        heading: links.thanks ? s.signedTitle : `${s.signatureTitle} · ${title}`,
        confirmed: action.confirmed,
        counter: counterModel(text, campaign, locale, actions),
      }
    : null;
  const thanksTitle = action.confirmed ? s.thanksTitle : s.confirmTitle;
  const share = isSignature
    ? { title: s.shareSignature, subject: s.shareSubjectSignature, body: s.shareBodySignature }
    : { title: s.share, subject: s.shareSubject, body: s.shareBody };
  return renderer.render('status', locale, {
    thanks: links.thanks,
    thanksTitle,
    signature,
    awaitingConfirmation: !action.confirmed,
    pending: action.letters.some((l) => l.status === 'awaiting_lookup'),
    campaignTitle: title,
    inProgress,
    apiUrl: `/api${statusPath}`,
    selfUrl: `${statusPath}&lang=${locale}`,
    statusUrl,
    campaignUrl,
    shareTitle: share.title,
    shareMailto: `mailto:?subject=${encodeURIComponent(fill(share.subject, { title }))}&body=${encodeURIComponent(fill(share.body, { url: campaignUrl }))}`,
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
      title: signature ? `${signature.heading}${links.thanks ? ` · ${title}` : ''}` : links.thanks ? thanksTitle : `${s.title} · ${title}`,
      campaign,
      url: links.url,
      skipTarget: signature ? signature.headingId : 'status-title',
      skipLabel: signature ? signature.heading : s.title,
      pageData: { page: 'status', lang: locale, refreshMs: 5000, text: { words: s.words, updated: s.updated, network: text.form.network } },
    }),
  });
}

/** A petition's page: the case, the petition's letter in full, the counter and the Sign form (no MP step, no paragraph). */
export function petitionPage(
  renderer: PageRenderer,
  campaign: Campaign,
  locale: Locale,
  actions: number,
  form: FormState,
  url: string,
  letter: Pick<RenderedLetter, 'subject' | 'text'>,
) {
  const text = renderer.text(locale);
  const f = text.form;
  const p = text.petition as PetitionText;
  const { fieldErrors, errorList, firstInvalid } = formErrors(locale, form.error, form.error?.code === 'try_again' ? p.tryAgain : undefined);
  const fields = fieldModels(f, form, fieldErrors, firstInvalid, {
    email: campaign.confirm ? p.emailHintConfirm : p.emailHint,
    postalCode: p.postalCodeHint,
  });
  return renderer.render('petition', locale, {
    campaign: campaignModel(text, campaign, locale, actions),
    petition: { subject: letter.subject, text: letter.text },
    shownAt: Date.now(),
    form: { fields, values: { ...form.values, consentUpdates: form.consentUpdates }, errorList },
    layout: layout(text, locale, otherLocale(renderer, locale), {
      title: campaign.title[locale],
      campaign,
      url,
      skipTarget: 'form-title',
      skipLabel: p.skipToForm,
      pageData: { page: 'petition', lang: locale, text: { sign: p.sign, signing: p.signing } },
    }),
  });
}

/** A campaign that takes no action now (paused, closed, not open yet): why, the counter, and where else to go. */
export function closedPage(
  renderer: PageRenderer,
  campaign: Campaign,
  locale: Locale,
  state: CampaignState,
  actions: number,
  others: Campaign[],
  url: string,
) {
  const text = renderer.text(locale);
  const c = text.closedPage as ClosedText;
  const count = new Intl.NumberFormat(intlLocale(locale)).format(actions);
  const messages =
    state.status === 'paused'
      ? [c.paused]
      : state.cause === 'not_started' && campaign.startsAt
        ? [fill(c.notStarted, { date: longDate(locale, campaign.startsAt) })]
        : [c.closed, actions > 0 ? fill(c.thanks[pluralOf(locale, actions)], { count }) : c.thanksNone];
  return renderer.render('closed', locale, {
    campaign: { title: campaign.title[locale], summary: campaign.summary[locale] },
    messages,
    counter: counterModel(text, campaign, locale, actions),
    others: others.map((o) => {
      const lang = (o.locales as string[]).includes(locale) ? locale : o.locales[0];
      return { title: o.title[lang], href: `/campaigns/${o.slug}?lang=${lang}` };
    }),
    layout: layout(text, locale, otherLocale(renderer, locale), {
      title: campaign.title[locale],
      campaign,
      url,
      skipTarget: 'closed-message',
      skipLabel: messages[0],
    }),
  });
}

/** What the letter form and the petition form both show of their campaign. */
function campaignModel(text: PageText, campaign: Campaign, locale: Locale, actions: number) {
  return {
    slug: campaign.slug,
    title: campaign.title[locale],
    summary: campaign.summary[locale],
    contentWarning: campaign.contentWarning?.[locale],
    body: campaign.body[locale],
    counter: counterModel(text, campaign, locale, actions),
    sendNotice: campaign.sendNotice[locale],
    updatesConsent: campaign.updatesConsent[locale],
  };
}

export type ConfirmStep = 'ask' | 'done' | 'already';

/** The page behind the emailed link: a Confirm button (GET), then the thanks (POST). */
export function confirmPage(renderer: PageRenderer, campaign: Campaign, locale: Locale, step: ConfirmStep, token: string, url: string) {
  const text = renderer.text(locale);
  const c = text.confirm as ConfirmText;
  const title = campaign.title[locale];
  const signature = campaign.kind === 'petition';
  const heading = step === 'ask' ? (signature ? c.titleSignature : c.titleLetters) : step === 'done' ? c.doneTitle : c.alreadyTitle;
  const lead =
    step === 'ask'
      ? fill(signature ? c.leadSignature : c.leadLetters, { title })
      : step === 'done'
        ? signature ? c.doneSignature : c.doneLetters
        : signature ? c.alreadySignature : c.alreadyLetters;
  return renderer.render('confirm', locale, {
    campaignTitle: title,
    heading,
    lead,
    ask: step === 'ask',
    formAction: `/confirm/${encodeURIComponent(token)}?lang=${locale}`,
    campaignUrl: `/campaigns/${campaign.slug}?lang=${locale}`,
    layout: layout(text, locale, otherLocale(renderer, locale), {
      title: `${heading} · ${title}`,
      campaign,
      url,
      skipTarget: 'confirm-title',
      skipLabel: heading,
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
