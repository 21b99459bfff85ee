// /actions/:id/updates?token=…: where a supporter stops the organisation's updates, from the
// link in any email the service sent them. The page asks; only its button (a POST) withdraws,
// so a mail scanner that follows links changes nothing.
import express, { Router } from 'express';
import type { ActionStore, CampaignCatalog } from '../../domain/ports';
import { updatesChoice, withdrawUpdates } from '../../domain/withdrawUpdates';
import type { PageRenderer } from '../../adapters/pages';
import { fill } from '../../i18n';
import { param } from '../requestParts';
import { layout, pageLocale, sendPage } from './layout';

export interface UpdatesPageDeps {
  renderer: PageRenderer;
  campaigns: CampaignCatalog;
  actions: ActionStore;
}

export function updatesPages(deps: UpdatesPageDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 });

  async function show(req: express.Request, res: express.Response, token: unknown, done: boolean) {
    const { action, agreed } = await updatesChoice(deps.actions, param(req.params.id), token);
    const campaign = deps.campaigns.get(action.campaignSlug);
    const locale = pageLocale({ lang: (req.body as { lang?: string } | undefined)?.lang ?? req.query.lang }, undefined, [action.locale, ...campaign.locales]);
    const t = deps.renderer.text(locale).updates as Record<string, string>;
    const organisation = campaign.organisation.name[locale];
    const heading = done ? t.doneTitle : agreed ? t.askTitle : t.noneTitle;
    sendPage(
      res,
      200,
      deps.renderer.render('updates', locale, {
        heading,
        lead: fill(done ? t.done : agreed ? t.ask : t.none, { organisation }),
        ask: agreed && !done,
        token: String(token),
        lang: locale,
        action: action.id,
        layout: layout(deps.renderer, locale, { title: heading, campaign, url: req.originalUrl, skipTarget: 'updates-title', skipLabel: heading }),
      }),
    );
  }

  router.get('/actions/:id/updates', (req, res) => show(req, res, req.query.token, false));
  router.post('/actions/:id/updates', form, async (req, res) => {
    const token = (req.body as { token?: unknown }).token;
    await withdrawUpdates(deps.actions, param(req.params.id), token);
    await show(req, res, token, true);
  });
  return router;
}
