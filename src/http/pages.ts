// The supporter's pages: the action page (a letter form or a petition's Sign form; works without
// JavaScript), its no-JavaScript form post, the page of a campaign that takes no action now, the
// thank-you / status page, and the confirmation pages behind the emailed link. Thin like the API
// routes: the same domain functions, rendered as HTML; errors come back as the form again, with
// what was typed and what to fix.
import express, { Router, type ErrorRequestHandler, type Request } from 'express';
import type { PageRenderer } from '../adapters/pages';
import { getActionStatus } from '../domain/actionStatus';
import type { Campaign, Locale } from '../domain/campaign';
import { openCampaign, type CampaignState } from '../domain/campaignLifecycle';
import { confirmAction, lookUpConfirmation, type ConfirmDeps } from '../domain/confirmAction';
import { petitionContext } from '../domain/letters';
import { AppError } from '../domain/errors';
import { submitAction } from '../domain/submitAction';
import type { SupporterRouteDeps } from './publicApi';
import { ACTION_BODY_LIMITS, parseActionBody } from './actionBody';
import { requiredDetails } from '../domain/composeLetters';
import { asAppError, httpStatusOf } from './errorResponse';
import { errorMessage } from './messages';
import type { Logger } from '../adapters/logger';
import { actionPage, closedPage, confirmPage, messagePage, pageLocale, petitionPage, statusPage, type FormState } from './pageModels';
import { loggedPath, originOf, param } from './requestParts';
import { httpError } from './errorCodes';

export interface PagesDeps extends SupporterRouteDeps {
  renderer: PageRenderer;
  log: Logger;
  /** People take longer than this to fill the form (no-JavaScript posts only). */
  minFormMs: number;
  /** Confirmations from the emailed link (campaigns with `confirm`). */
  confirm: ConfirmDeps;
}

const ALL: Locale[] = ['en', 'fr'];

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

/** What the supporter typed, kept as typed, to put back in the form. */
function typed(body: unknown): { values: Record<string, string>; consentUpdates: boolean } {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(Object.entries(raw).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const consent = raw.consent as { updates?: unknown } | undefined;
  return { values, consentUpdates: consent?.updates === 'on' || consent?.updates === true };
}

export function pages(deps: PagesDeps): Router {
  const router = Router();
  const html = (res: express.Response, status: number, body: string) => res.status(status).type('html').set('Cache-Control', 'no-store').send(body);

  router.get('/', async (req, res) => {
    const campaigns = deps.campaigns.list();
    const states = await Promise.all(campaigns.map((c) => deps.states.of(c)));
    const open = campaigns.find((_, i) => states[i].status === 'open') ?? campaigns[0];
    res.redirect(302, `/campaigns/${open.slug}${req.query.lang ? `?lang=${encodeURIComponent(String(req.query.lang))}` : ''}`);
  });

  router.get('/campaigns/:slug', async (req, res) => {
    const campaign = deps.campaigns.get(param(req.params.slug));
    const locale = pageLocale(req.query, req.get('accept-language'), campaign.locales);
    const [state, count] = await Promise.all([deps.states.of(campaign), deps.counter.countActions(campaign.slug)]);
    if (state.status !== 'open') return html(res, 200, await notOpenPage(deps, campaign, locale, state, count, req.originalUrl));
    const form: FormState = { values: {}, consentUpdates: false, error: null, mp: null };
    html(res, 200, formPage(deps, campaign, locale, count, form, req.originalUrl));
  });

  // The form without JavaScript: success is a redirect to the thank-you page (so a reload does
  // not post again); an error is the form again (see pageErrors below).
  router.post(
    '/campaigns/:slug',
    express.urlencoded({ ...ACTION_BODY_LIMITS, extended: true }),
    ...deps.submissionLimits,
    async (req, res) => {
      const slug = param(req.params.slug);
      // A campaign that closed while the form was open: say so before anything else.
      await openCampaign(deps.campaigns, deps.states, slug);
      if (looksAutomated(req.body, Date.now(), deps.minFormMs)) throw httpError('try_again');
      const result = await submitAction(deps.submit, slug, parseActionBody(req.body, requiredDetails(deps.campaigns.get(slug))), originOf(req));
      const locale = pageLocale({ lang: (req.body as { locale?: string }).locale ?? req.query.lang }, req.get('accept-language'), ALL);
      const { action } = result;
      res.redirect(303, `/actions/${action.id}?token=${encodeURIComponent(action.token)}&lang=${locale}&new=1`);
    },
  );

  router.get('/actions/:id', async (req, res) => {
    const action = await getActionStatus(deps.actions, param(req.params.id), req.query.token);
    const campaign = deps.campaigns.get(action.campaignSlug);
    const locale = pageLocale(req.query, req.get('accept-language'), campaign.locales);
    const count = action.letters.length === 0 ? await deps.counter.countActions(campaign.slug) : 0;
    html(res, 200, statusPage(deps.renderer, campaign, action, locale, { publicUrl: deps.publicUrl, url: req.originalUrl, thanks: req.query.new === '1' }, count));
  });

  // The emailed confirmation link. Its token is the secret: never cached, never sent on as a
  // referrer, never indexed. Opening it (GET) changes nothing: mail scanners open links. Pressing
  // Confirm (POST, no CSRF token needed: the secret is in the URL) confirms, once.
  router.use('/confirm', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
    next();
  });

  router.get('/confirm/:token', async (req, res) => {
    const token = param(req.params.token);
    const pending = await lookUpConfirmation(deps.confirm, token);
    const campaign = deps.campaigns.get(pending.campaignSlug);
    const locale = pageLocale(req.query, pending.locale, campaign.locales);
    html(res, 200, confirmPage(deps.renderer, campaign, locale, pending.confirmedAt ? 'already' : 'ask', token, req.originalUrl));
  });

  router.post('/confirm/:token', express.urlencoded({ limit: '1kb', extended: false, parameterLimit: 5 }), async (req, res) => {
    const token = param(req.params.token);
    // deps.confirm.onConfirmed refreshes the public counter: the signature counts at once.
    const { action, alreadyConfirmed } = await confirmAction(deps.confirm, token);
    const campaign = deps.campaigns.get(action.campaignSlug);
    const locale = pageLocale(req.query, action.locale, campaign.locales);
    html(res, 200, confirmPage(deps.renderer, campaign, locale, alreadyConfirmed ? 'already' : 'done', token, req.originalUrl));
  });

  // Anything else outside the API is a page that does not exist: say so in HTML.
  router.use((req, _res, next) => next(req.path.startsWith('/api/') ? undefined : new AppError('not_found')));
  router.use(pageErrors(deps));
  return router;
}

function pageErrors(deps: PagesDeps): ErrorRequestHandler {
  return async (caught, req: Request, res, _next) => {
    const { error, expected } = asAppError(caught);
    if (!expected) deps.log.error({ err: caught, path: loggedPath(req) }, 'unexpected error on a page');
    const locale = pageLocale({ lang: (req.body as { locale?: string } | undefined)?.locale ?? req.query.lang }, req.get('accept-language'), ALL);
    if (error.details.retryAfterSeconds) res.set('Retry-After', String(error.details.retryAfterSeconds));
    res.status(httpStatusOf(error.code)).type('html').set('Cache-Control', 'no-store');

    // A failed form post: the form again, with everything typed and each error by its field;
    // or, when the campaign takes no action now, the page that says so.
    const slug = req.method === 'POST' && req.path.startsWith('/campaigns/') ? req.path.split('/')[2] : null;
    const campaign = slug ? deps.campaigns.list().find((c) => c.slug === slug) : undefined;
    if (campaign) {
      const count = await deps.counter.countActions(campaign.slug).catch(() => 0);
      if (error.code === 'campaign_closed') {
        const state = await deps.states.of(campaign).catch((): CampaignState => ({ status: 'closed', cause: 'definition', since: null }));
        return res.send(await notOpenPage(deps, campaign, locale, state, count, req.originalUrl));
      }
      return res.send(formPage(deps, campaign, locale, count, { ...typed(req.body), error, mp: null }, req.originalUrl));
    }
    const text = deps.renderer.text(locale);
    const heading =
      error.code === 'not_found' && req.path.startsWith('/actions/')
        ? String(text.actionNotFound)
        : error.code === 'not_found' && req.path.startsWith('/confirm/')
          ? String((text.confirm as { invalid: string }).invalid)
          : error.code === 'not_found' || error.code === 'campaign_not_found'
            ? String(text.notFound)
            : errorMessage(locale, error.code);
    res.send(messagePage(deps.renderer, locale, heading, req.originalUrl));
  };
}

/** The action page of an open campaign: the letter form, or a petition's Sign form with its letter. */
function formPage(deps: PagesDeps, campaign: Campaign, locale: Locale, count: number, form: FormState, url: string): string {
  if (campaign.kind !== 'petition') return actionPage(deps.renderer, campaign, locale, count, form, url);
  const letter = deps.submit.renderer.renderPetition(campaign, locale, petitionContext(campaign, locale, deps.submit.clock.now()));
  return petitionPage(deps.renderer, campaign, locale, count, form, url, letter);
}

/** A paused, closed or not-yet-open campaign, with links to the campaigns open now. */
async function notOpenPage(deps: PagesDeps, campaign: Campaign, locale: Locale, state: CampaignState, count: number, url: string): Promise<string> {
  const others = deps.campaigns.list().filter((c) => c.slug !== campaign.slug);
  const states = await Promise.all(others.map((c) => deps.states.of(c).catch(() => null)));
  const open = others.filter((_, i) => states[i]?.status === 'open');
  return closedPage(deps.renderer, campaign, locale, state, count, open, url);
}
