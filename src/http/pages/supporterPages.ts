// The supporters' pages, each in its own room: the action page (and its no-JavaScript form),
// the status / thank-you page, and the confirmation pages. Anything else outside the API is a
// page that does not exist, said in HTML.
import { printLetterPages, type PrintLetterDeps } from './printLetter';
import { updatesPages } from './updates';
import { Router } from 'express';
import { AppError } from '../../domain/errors';
import type { ActionStore, CampaignCatalog, CampaignStates } from '../../domain/ports';
import { actionPages, type ActionPageDeps } from './action';
import { campaignLook, type LookDeps } from './campaignLook';
import { confirmPages, type ConfirmPageDeps } from './confirm';
import { pageErrors } from './message';
import { statusPages, type StatusPageDeps } from './status';

export interface SupporterPagesDeps extends ActionPageDeps, LookDeps, Pick<ConfirmPageDeps, 'confirm'>, Pick<StatusPageDeps, 'outbox'> {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  actions: ActionStore;
  publicUrl: string;
  contacts: PrintLetterDeps['contacts'];
}

export function supporterPages(deps: SupporterPagesDeps): Router {
  const router = Router();
  // The first open campaign (or the first one) is the home page.
  router.get('/', async (req, res) => {
    const campaigns = deps.campaigns.list();
    const states = await Promise.all(campaigns.map((c) => deps.states.of(c)));
    const open = campaigns.find((_, i) => states[i].status === 'open') ?? campaigns[0];
    res.redirect(302, `/campaigns/${open.slug}${req.query.lang ? `?lang=${encodeURIComponent(String(req.query.lang))}` : ''}`);
  });
  router.use(campaignLook(deps));
  router.use(actionPages(deps));
  router.use(statusPages(deps));
  router.use(updatesPages(deps));
  router.use(printLetterPages(deps));
  router.use(confirmPages(deps));
  router.use((req, _res, next) => next(req.path.startsWith('/api/') ? undefined : new AppError('not_found')));
  router.use(pageErrors(deps.renderer, deps.log));
  return router;
}
