// The action page (GET /campaigns/:slug): the letter form, or a petition's Sign form, or for a
// campaign that takes no action now the page saying so. It works without JavaScript: the form
// posts to the same address and the answer is the thank-you page (thanks.ts), or the form again,
// with what was typed and what to fix.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { officeOf, roleOf, type Campaign, type Locale } from '../../domain/campaign';
import { longDate } from '../../domain/letters';
import { legislatureName } from '../../domain/offices';
import { openCampaign, type CampaignState } from '../../domain/campaignLifecycle';
import { requiredDetails } from '../../domain/composeLetters';
import type { CampaignCounter, Legislature } from '../../domain/ports';
import { submitAction, type SubmitDeps } from '../../domain/submitAction';
import type { Logger } from '../../adapters/logger';
import type { PageRenderer } from '../../adapters/pages';
import { capitalised, fill } from '../../i18n';
import { ACTION_BODY_LIMITS, parseActionBody } from '../actionBody';
import type { FormStamps } from '../../adapters/formStamps';
import { checkNotABot } from '../botCheck';
import { asAppError, httpStatusOf } from '../errorResponse';
import { errorMessage, fieldMessages } from '../messages';
import { loggedPath, originOf, param } from '../requestParts';
import { closedPage } from './closed';
import { campaignModel, emptyForm, fieldModels, formErrors, MESSAGE_MAX, sourceFields, typedForm, type FormState } from './formModel';
import { ALL_LOCALES, layout, pageLocale, sendPage } from './layout';
import { petitionPage } from './petition';
import { thanksPage, thanksText } from './thanks';
import { otherCampaigns, SHARE_URL_PLACEHOLDER, shareOf, shareSection } from './shareLinks';

export interface ActionPageDeps {
  renderer: PageRenderer;
  counter: CampaignCounter;
  submit: SubmitDeps;
  limits: { submit: RequestHandler[] };
  /** The forms' signed times: issued with each form, checked with each post (botCheck.ts). */
  stamps: FormStamps;
  publicUrl: string;
  log: Logger;
}

export function actionPages(deps: ActionPageDeps): Router {
  const router = Router();
  const { campaigns, states } = deps.submit;
  const closedDeps = { renderer: deps.renderer, campaigns, states };

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = campaigns.get(param(req.params.slug));
    const locale = pageLocale(req.query, req.get('accept-language'), campaign.locales);
    const [state, count, around] = await Promise.all([states.of(campaign), deps.counter.countActions(campaign.slug), aroundOf(deps, campaign, locale)]);
    const body =
      state.status === 'open'
        ? formPage(deps, campaign, locale, count, emptyForm(req.query), req.originalUrl, around)
        : await closedPage(closedDeps, campaign, locale, state, count, req.originalUrl);
    sendPage(res, 200, body);
  });

  router.post(
    '/campaigns/:slug',
    express.urlencoded({ ...ACTION_BODY_LIMITS, extended: true }),
    ...deps.limits.submit,
    async (req, res) => {
      const slug = param(req.params.slug);
      // A campaign that closed while the form was open: say so before anything else.
      const campaign = await openCampaign(campaigns, states, slug);
      await checkNotABot(deps.stamps, req.body, res, { stampRequired: true });
      const result = await submitAction(deps.submit, slug, parseActionBody(req.body, requiredDetails(campaign)), originOf(req));
      // The page itself, not a redirect to one: nothing of this action is in any address.
      const others = await otherCampaigns(deps.submit, campaign, result.locale);
      sendPage(res, 200, thanksPage(deps.renderer, campaign, result, deps.publicUrl, req.originalUrl, others));
    },
  );

  // A failed form post: the form again, with everything typed and each error by its field; or,
  // when the campaign takes no action now, the page that says so.
  const formErrorPage: ErrorRequestHandler = async (caught, req, res, next) => {
    const campaign = req.method === 'POST' ? campaigns.list().find((c) => c.slug === req.params.slug) : undefined;
    if (!campaign) return next(caught);
    const { error, expected } = asAppError(caught);
    if (!expected) deps.log.error({ err: caught, path: loggedPath(req) }, 'unexpected error on a page');
    const locale = pageLocale({ lang: (req.body as { locale?: string } | undefined)?.locale ?? req.query.lang }, req.get('accept-language'), ALL_LOCALES);
    if (error.details.retryAfterSeconds) res.set('Retry-After', String(error.details.retryAfterSeconds));
    const count = await deps.counter.countActions(campaign.slug).catch(() => 0);
    const around = await aroundOf(deps, campaign, locale);
    const body =
      error.code === 'campaign_closed'
        ? await closedPage(closedDeps, campaign, locale, await states.of(campaign).catch((): CampaignState => ({ status: 'closed', cause: 'definition', since: null })), count, req.originalUrl)
        : formPage(deps, campaign, locale, count, typedForm(req.body, error), req.originalUrl, around);
    sendPage(res, httpStatusOf(error.code), body);
  };
  router.use('/campaigns/:slug', formErrorPage);
  return router;
}

/** The action page of an open campaign: the letter form, or a petition's Sign form with its letter. */
/** What around the campaign the page says: dissolved legislatures, and the organisation's other open campaigns (after sending). */
interface Around {
  dissolved: Map<string, Legislature>;
  others: Array<{ title: string; href: string }>;
}

async function aroundOf(deps: ActionPageDeps, campaign: Campaign, locale: Locale): Promise<Around> {
  const [dissolved, others] = await Promise.all([
    deps.submit.legislatures.dissolved().catch(() => new Map<string, Legislature>()),
    otherCampaigns(deps.submit, campaign, locale).catch(() => []),
  ]);
  return { dissolved, others };
}

function formPage(deps: ActionPageDeps, campaign: Campaign, locale: Locale, count: number, form: FormState, url: string, around: Around): string {
  if (campaign.kind === 'petition') {
    return petitionPage({ renderer: deps.renderer, letters: deps.submit.renderer, clock: deps.submit.clock, stamps: deps.stamps }, campaign, locale, count, form, url);
  }
  return letterFormPage(deps.renderer, deps.stamps, campaign, locale, count, form, url, around);
}

/**
 * What a dissolution means for this campaign's letters, said before the supporter writes: the
 * federal one when it writes to MPs, each dissolved province's when it writes to provincial members.
 */
function electionNotices(text: Record<string, string>, campaign: Campaign, dissolved: Map<string, Legislature>, locale: Locale): string[] {
  const levels = new Set(campaign.targets.map((t) => officeOf(t)?.level));
  return [...dissolved.values()]
    .filter((l) => (l.id === 'federal' ? levels.has('federal') : levels.has('provincial')))
    .map((l) => {
      const date = l.electionDate ? longDate(locale, new Date(`${l.electionDate}T12:00:00Z`)) : null;
      const words = l.id === 'federal' ? (date ? text.federalDissolved : text.federalDissolvedNoDate) : date ? text.provinceDissolved : text.provinceDissolvedNoDate;
      return fill(words, { date: date ?? '', legislature: legislatureName(l.id, locale) });
    });
}

const pick = (source: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, source[k]]));

/** The letter form: find the MP, the supporter's details, their paragraph, Send. */
function letterFormPage(renderer: PageRenderer, stamps: FormStamps, campaign: Campaign, locale: Locale, actions: number, form: FormState, url: string, around: Around): string {
  const text = renderer.text(locale);
  const f = text.form;
  const error = form.error;
  const districtError = error?.code === 'district_required' ? errorMessage(locale, 'district_required') : null;
  // The riding's choice is not a field: its error goes in the list, not as a whole-form error.
  const { fieldErrors, errorList } = formErrors(locale, districtError ? null : error);
  if (districtError) errorList.push({ field: 'district-0', message: districtError });
  const firstInvalid = errorList[0]?.field;

  const fields = fieldModels(f, form, fieldErrors, firstInvalid, {});
  const targets = campaign.targets.map((t) => (t.kind === 'mp' ? String(text.yourMp) : t.kind === 'office' ? roleOf(t, locale) : `${t.name}, ${t.role[locale]}`));
  const writesTo = targets.length > 1 ? `${targets.slice(0, -1).join(', ')} ${text.and} ${targets.at(-1)}` : targets[0];
  const choices = error?.details.choices?.map((c) => ({ ...c, checked: c.district === form.values.district }));
  // Write to some: every target ticked at first; as the supporter left them after an error.
  const targetChoice = campaign.chooseTargets
    ? {
        min: fill(String(f.chooseTargetsHint), { min: String(campaign.chooseTargets.min) }),
        error: fieldErrors.targets ?? null,
        options: campaign.targets.map((t) => ({ id: t.id, label: t.kind === 'fixed' ? `${t.name}, ${t.role[locale]}` : officeOf(t)?.level === 'federal' ? capitalised(String(text.yourMp)) : capitalised(roleOf(t, locale)), checked: form.targets === null || form.targets.includes(t.id) })),
      }
    : null;

  return renderer.render('action', locale, {
    campaign: { ...campaignModel(text, campaign, locale, actions), writesTo: fill(String(text.writesTo), { targets: writesTo }) },
    elections: electionNotices(text.elections as Record<string, string>, campaign, around.dissolved, locale),
    targetChoice,
    shownAt: stamps.issue(),
    form: {
      fields,
      values: { ...form.values, consentUpdates: form.consentUpdates },
      hidden: sourceFields(form),
      errorList,
      choices,
      districtError,
      mp: form.mp ? { ...form.mp, label: f.yourMpIs } : null,
    },
    layout: layout(renderer, locale, {
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
          ...pick(f, ['finding', 'chooseRiding', 'ridingHint', 'yourMpIs', 'mpPending', 'charactersLeft', 'previewTitle', 'previewPending', 'previewElection', 'previewSkipped', 'to', 'subject', 'sending', 'send', 'network']),
          postalCodeMissing: fieldMessages(locale, { postalCode: 'required' }).postalCode,
          thanks: thanksText(renderer, campaign, locale),
          copied: String((text.status as Record<string, string>).copied),
          copyShareLink: String((text.status as Record<string, string>).copyShareLink),
        },
        // The share section, its links made for a placeholder address the answer's `share.url` replaces.
        share: {
          ...shareSection(text.status as Record<string, string>, shareOf(text.status as Record<string, string>, campaign, locale, false, SHARE_URL_PLACEHOLDER), false),
          others: around.others,
          othersTitle: String((text.status as Record<string, string>).otherCampaigns),
        },
        shareLinkLabel: String((text.status as Record<string, string>).shareLink),
        opensNewTab: String((text.status as Record<string, string>).opensNewTab),
        shareNative: String((text.status as Record<string, string>).shareNative),
      },
    }),
  });
}
