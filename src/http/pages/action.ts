// The action page (GET /campaigns/:slug): the letter form, or a petition's Sign form, or for a
// campaign that takes no action now the page saying so. It works without JavaScript: the form
// posts to the same address; success is a redirect to the thank-you page (so a reload does not
// post again), and a problem is the form again, with what was typed and what to fix.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Campaign, Locale } from '../../domain/campaign';
import { openCampaign, type CampaignState } from '../../domain/campaignLifecycle';
import { requiredDetails } from '../../domain/composeLetters';
import type { CampaignCounter } from '../../domain/ports';
import { submitAction, type SubmitDeps } from '../../domain/submitAction';
import type { Logger } from '../../adapters/logger';
import type { PageRenderer } from '../../adapters/pages';
import { fill } from '../../i18n';
import { ACTION_BODY_LIMITS, parseActionBody } from '../actionBody';
import { httpError } from '../errorCodes';
import { asAppError, httpStatusOf } from '../errorResponse';
import { errorMessage, fieldMessages } from '../messages';
import { loggedPath, originOf, param } from '../requestParts';
import { closedPage } from './closed';
import { campaignModel, emptyForm, fieldModels, formErrors, MESSAGE_MAX, typedForm, type FormState } from './formModel';
import { ALL_LOCALES, layout, pageLocale, sendPage } from './layout';
import { petitionPage } from './petition';

export interface ActionPageDeps {
  renderer: PageRenderer;
  counter: CampaignCounter;
  submit: SubmitDeps;
  submissionLimits: RequestHandler[];
  /** People take longer than this to fill the form (no-JavaScript posts only). */
  minFormMs: number;
  log: Logger;
}

/**
 * Never a third-party captcha: a field no person sees (bots fill it) and the time since the form
 * was shown. A person caught by mistake sees their form again and simply sends it again.
 */
function looksAutomated(body: unknown, now: number, minFormMs: number): boolean {
  const { faxNumber, shownAt } = (body ?? {}) as Record<string, unknown>;
  if (typeof faxNumber === 'string' && faxNumber.trim() !== '') return true;
  const shown = Number(shownAt);
  return !Number.isFinite(shown) || now - shown < minFormMs || shown > now + 60_000;
}

export function actionPages(deps: ActionPageDeps): Router {
  const router = Router();
  const { campaigns, states } = deps.submit;
  const closedDeps = { renderer: deps.renderer, campaigns, states };

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = campaigns.get(param(req.params.slug));
    const locale = pageLocale(req.query, req.get('accept-language'), campaign.locales);
    const [state, count] = await Promise.all([states.of(campaign), deps.counter.countActions(campaign.slug)]);
    const body =
      state.status === 'open'
        ? formPage(deps, campaign, locale, count, emptyForm(), req.originalUrl)
        : await closedPage(closedDeps, campaign, locale, state, count, req.originalUrl);
    sendPage(res, 200, body);
  });

  router.post(
    '/campaigns/:slug',
    express.urlencoded({ ...ACTION_BODY_LIMITS, extended: true }),
    ...deps.submissionLimits,
    async (req, res) => {
      const slug = param(req.params.slug);
      // A campaign that closed while the form was open: say so before anything else.
      await openCampaign(campaigns, states, slug);
      if (looksAutomated(req.body, Date.now(), deps.minFormMs)) throw httpError('try_again');
      const { action } = await submitAction(deps.submit, slug, parseActionBody(req.body, requiredDetails(campaigns.get(slug))), originOf(req));
      const locale = pageLocale({ lang: (req.body as { locale?: string }).locale ?? req.query.lang }, req.get('accept-language'));
      res.redirect(303, `/actions/${action.id}?token=${encodeURIComponent(action.token)}&lang=${locale}&new=1`);
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
    const body =
      error.code === 'campaign_closed'
        ? await closedPage(closedDeps, campaign, locale, await states.of(campaign).catch((): CampaignState => ({ status: 'closed', cause: 'definition', since: null })), count, req.originalUrl)
        : formPage(deps, campaign, locale, count, typedForm(req.body, error), req.originalUrl);
    sendPage(res, httpStatusOf(error.code), body);
  };
  router.use('/campaigns/:slug', formErrorPage);
  return router;
}

/** The action page of an open campaign: the letter form, or a petition's Sign form with its letter. */
function formPage(deps: ActionPageDeps, campaign: Campaign, locale: Locale, count: number, form: FormState, url: string): string {
  if (campaign.kind === 'petition') {
    return petitionPage({ renderer: deps.renderer, letters: deps.submit.renderer, clock: deps.submit.clock }, campaign, locale, count, form, url);
  }
  return letterFormPage(deps.renderer, campaign, locale, count, form, url);
}

const pick = (source: Record<string, string>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, source[k]]));

/** The letter form: find the MP, the supporter's details, their paragraph, Send. */
function letterFormPage(renderer: PageRenderer, campaign: Campaign, locale: Locale, actions: number, form: FormState, url: string): string {
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
          ...pick(f, ['finding', 'chooseRiding', 'ridingHint', 'yourMpIs', 'mpPending', 'charactersLeft', 'previewTitle', 'previewPending', 'to', 'subject', 'sending', 'send', 'network']),
          postalCodeMissing: fieldMessages(locale, { postalCode: 'required' }).postalCode,
        },
      },
    }),
  });
}
