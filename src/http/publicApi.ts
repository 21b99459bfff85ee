// The supporter API of API.md. Routes stay thin: read the request, call one domain function,
// answer. Validation of the action body lives in actionBody.ts, error answers in errorResponse.ts.
import express, { Router, type RequestHandler } from 'express';
import { getActionStatus } from '../domain/actionStatus';
import { describeCampaign, findRepresentatives } from '../domain/campaignView';
import type { ActionStore, CampaignCatalog, CampaignCounter, CampaignStates, RepresentativeFinder } from '../domain/ports';
import { previewLetters } from '../domain/previewLetters';
import { submitAction, type SubmitDeps } from '../domain/submitAction';
import { ACTION_BODY_LIMITS, parseActionBody } from './actionBody';
import { requiredDetails } from '../domain/composeLetters';
import { representativesBody, statusBody, submissionBody } from './presenters';
import { shareUrlOf } from '../domain/sources';
import { answerJson, originOf, param } from './requestParts';
import type { FormStamps } from '../adapters/formStamps';
import { checkNotABot } from './botCheck';
import { visitorOf } from './rateLimits';
import { httpError } from './errorCodes';

/** What both the JSON API and the pages need to take an action. */
export interface SupporterRouteDeps {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  counter: CampaignCounter;
  actions: ActionStore;
  submit: SubmitDeps;
  publicUrl: string;
  /** Per-visitor limits (rateLimits.ts). */
  limits: { submit: RequestHandler[]; preview: RequestHandler[]; lookup: RequestHandler[] };
  /** The forms' signed times (botCheck.ts). */
  stamps: FormStamps;
}

export interface PublicApiDeps extends SupporterRouteDeps {
  representatives: RepresentativeFinder;
}

// The type was checked once (bodyOf): the parsers need not check it again.
const jsonBody = express.json({ limit: ACTION_BODY_LIMITS.limit, strict: true, type: () => true });
const formBody = express.urlencoded({ ...ACTION_BODY_LIMITS, extended: true, type: () => true });

/**
 * JSON, or the no-JavaScript form; anything else is refused before it is read. The media type is
 * read from the header by hand: type-is parses it in full three times per request otherwise.
 */
const bodyOf: RequestHandler = (req, res, next) => {
  const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0].trim().toLowerCase();
  if (mediaType === 'application/json') return jsonBody(req, res, next);
  if (mediaType === 'application/x-www-form-urlencoded') return formBody(req, res, next);
  next(httpError('unsupported_media_type'));
};

export function publicApi(deps: PublicApiDeps): Router {
  const router = Router();

  router.get('/campaigns/:slug', async (req, res) => {
    // Short-lived public caching too: the counter is at most seconds old anyway.
    res.set('Cache-Control', 'public, max-age=10').json(await describeCampaign(deps, param(req.params.slug), req.query.lang));
  });

  router.get('/campaigns/:slug/representatives', ...deps.limits.lookup, async (req, res) => {
    const lookup = await findRepresentatives(deps.campaigns, deps.representatives, param(req.params.slug), req.query.postalCode, visitorOf(req));
    res.set('Cache-Control', 'private, max-age=300').json(representativesBody(lookup));
  });

  router.post(
    '/campaigns/:slug/actions',
    bodyOf,
    ...deps.limits.submit,
    async (req, res) => {
      const slug = param(req.params.slug);
      await checkNotABot(deps.stamps, req.body, res, { stampRequired: false });
      const input = parseActionBody(req.body, requiredDetails(deps.campaigns.get(slug)));
      // The same answer whether or not this mailbox acted before: the mailbox alone is told.
      const result = await submitAction(deps.submit, slug, input, originOf(req));
      answerJson(res, 202, { ...submissionBody(result), share: { url: shareUrlOf(deps.publicUrl, deps.campaigns.get(slug), result.locale, result.referralCode) } });
    },
  );

  // Not in the contract: the letters as they would be sent, for the action page's preview.
  router.post('/campaigns/:slug/preview', bodyOf, ...deps.limits.preview, async (req, res) => {
    const slug = param(req.params.slug);
    const letters = await previewLetters(deps.submit, slug, parseActionBody(req.body, requiredDetails(deps.campaigns.get(slug))), visitorOf(req));
    res.set('Cache-Control', 'no-store').json({ letters });
  });

  router.get('/actions/:id', async (req, res) => {
    const action = await getActionStatus(deps.actions, param(req.params.id), req.query.token);
    res.set('Cache-Control', 'no-store').json(statusBody(action));
  });

  return router;
}
