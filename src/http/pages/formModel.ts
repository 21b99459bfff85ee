// What the letter form and the petition form share: the campaign's text and counter, each field
// with its label, hint, value and error, and the error summary. Templates only lay it out.
import { cleanReferral, cleanSource, SOURCE_KEYS, type ActionSource } from '../../domain/sources';
import { pictureOf } from './campaignLook';
import type { Campaign, Locale } from '../../domain/campaign';
import type { Representative } from '../../domain/representatives';
import type { PageText } from '../../adapters/pages';
import { fill } from '../../i18n';
import type { ServiceError } from '../errorResponse';
import { errorMessage, fieldMessages } from '../messages';
import { formatNumber, plural, type Plural } from './layout';

export const MESSAGE_MAX = 2000;

export interface FormState {
  values: Record<string, string>;
  consentUpdates: boolean;
  /** The targets ticked (write to some); null = as the page first shows them, every one ticked. */
  targets: string[] | null;
  /** Where the supporter came from (the page address's utm_* and src) and the share link's code: kept through the form. */
  source: ActionSource | null;
  ref: string | null;
  error: ServiceError | null;
  mp: Representative | null;
}

/** A fresh form; the page address's source and referral code ride along, checked (sources.ts). */
export const emptyForm = (query: Record<string, unknown> = {}): FormState => ({
  values: {}, consentUpdates: false, targets: null, error: null, mp: null, source: cleanSource(query), ref: cleanReferral(query.ref),
});

/** What the supporter typed, kept as typed, to put back in the form. */
export function typedForm(body: unknown, error: ServiceError): FormState {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const consent = raw.consent as { updates?: unknown } | undefined;
  const ticked = typeof raw.targets === 'string' ? [raw.targets] : Array.isArray(raw.targets) ? raw.targets.filter((t): t is string => typeof t === 'string') : [];
  return {
    values, consentUpdates: consent?.updates === 'on' || consent?.updates === true, targets: ticked, error, mp: null,
    source: cleanSource(raw.source), ref: cleanReferral(raw.ref),
  };
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

export type FieldName = (typeof FIELDS)[number]['name'];

/** Which field a whole-form error belongs to, when it belongs to one. */
const FIELD_OF: Partial<Record<string, FieldName>> = { invalid_postal_code: 'postalCode', postal_code_not_found: 'postalCode' };

/** Each field's label, hint, value and error, for the field partial. `hints` replaces a field's hint. */
export function fieldModels(
  f: Record<string, string>,
  form: FormState,
  fieldErrors: Record<string, string>,
  firstInvalid: string | undefined,
  hints: Partial<Record<FieldName, string>>,
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
export function formErrors(locale: Locale, error: ServiceError | null, wholeFormMessage?: string) {
  const fieldErrors: Record<string, string> = error?.details.fields ? fieldMessages(locale, error.details.fields) : {};
  const onField = error ? FIELD_OF[error.code] : undefined;
  if (error && onField) fieldErrors[onField] = error.code === 'invalid_postal_code' ? fieldErrors[onField] ?? errorMessage(locale, error.code) : errorMessage(locale, error.code);
  const errorList = Object.entries(fieldErrors).map(([field, message]) => ({ field, message }));
  if (error && errorList.length === 0 && error.code !== 'campaign_closed') errorList.push({ field: 'error-summary', message: wholeFormMessage ?? errorMessage(locale, error.code) });
  return { fieldErrors, errorList, firstInvalid: errorList[0]?.field };
}

interface CounterText {
  counter: Plural;
  petition: { counter: Plural; counterGoal: Plural };
}

/** The public counter: "1,234 people have taken action" (letters) or "1,234 of 10,000 signatures" (petitions), with the goal's progress bar. */
export function counterModel(text: PageText, campaign: Campaign, locale: Locale, actions: number) {
  const { counter, petition } = text as unknown as CounterText;
  const count = formatNumber(locale, actions);
  const goal = campaign.goal ? formatNumber(locale, campaign.goal) : '';
  const counterText =
    campaign.kind === 'petition'
      ? plural(locale, campaign.goal ? petition.counterGoal : petition.counter, actions, { goal })
      : plural(locale, counter, actions);
  return {
    counterText,
    goal: campaign.goal,
    // At least a sliver once anyone has acted: 2 of 2,000 must not look like nobody (the label says the exact count).
    progressValue: campaign.goal ? (actions > 0 ? Math.max(Math.min(actions, campaign.goal), Math.ceil(campaign.goal / 100)) : 0) : 0,
    progressLabel: campaign.goal ? fill(String(text.progressLabel), { count, goal }) : '',
    // A petition's counter already says its goal.
    goalText: campaign.goal && campaign.kind !== 'petition' ? fill(String(text.goal), { goal }) : '',
  };
}

/** What the letter form and the petition form both show of their campaign. */
export function campaignModel(text: PageText, campaign: Campaign, locale: Locale, actions: number) {
  return {
    slug: campaign.slug,
    title: campaign.title[locale],
    summary: campaign.summary[locale],
    contentWarning: campaign.contentWarning?.[locale],
    body: campaign.body[locale],
    counter: counterModel(text, campaign, locale, actions),
    sendNotice: campaign.sendNotice[locale],
    updatesConsent: campaign.updatesConsent[locale],
    // Beside the form on a wide screen, the width of a column; the whole width on a phone.
    hero: campaign.look.hero ? pictureOf(campaign.look.hero, locale, '(min-width: 900px) 50vw, 100vw') : null,
  };
}

/** The share invitation (thank-you and status pages): the campaign's own share text when it has one, then the link. */
export function shareModel(status: Record<string, string>, campaign: Campaign, locale: Locale, signature: boolean, campaignUrl: string) {
  const words = signature
    ? { title: status.shareSignature, subject: status.shareSubjectSignature, body: status.shareBodySignature }
    : { title: status.share, subject: status.shareSubject, body: status.shareBody };
  const body = campaign.look.shareText ? `${campaign.look.shareText[locale]} ${campaignUrl}` : fill(words.body, { url: campaignUrl });
  return {
    shareTitle: words.title,
    shareMailto: `mailto:?subject=${encodeURIComponent(fill(words.subject, { title: campaign.title[locale] }))}&body=${encodeURIComponent(body)}`,
  };
}

/** The hidden fields that carry the source and the referral code from the page address to the action. */
export const sourceFields = (form: FormState): Array<{ name: string; value: string }> => [
  ...SOURCE_KEYS.filter((key) => form.source?.[key]).map((key) => ({ name: `source[${key}]`, value: form.source![key]! })),
  ...(form.ref ? [{ name: 'ref', value: form.ref }] : []),
];
