// The emailed confirmation link (/confirm/:token). Its token is the secret: never cached, never
// sent on as a referrer, never indexed. Opening it (GET) changes nothing: mail scanners open links.
// Pressing Confirm (POST, no CSRF token needed: the secret is in the URL) confirms, once.
import express, { Router } from 'express';
import type { Campaign, Locale } from '../../domain/campaign';
import { confirmAction, lookUpConfirmation, type ConfirmDeps } from '../../domain/confirmAction';
import type { CampaignCatalog } from '../../domain/ports';
import type { PageRenderer } from '../../adapters/pages';
import { fill } from '../../i18n';
import { param } from '../requestParts';
import { layout, pageLocale, sendPage } from './layout';

export interface ConfirmPageDeps {
  renderer: PageRenderer;
  campaigns: CampaignCatalog;
  /** deps.confirm.onConfirmed refreshes the public counter: the signature counts at once. */
  confirm: ConfirmDeps;
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
}

type ConfirmStep = 'ask' | 'done' | 'already';

export function confirmPages(deps: ConfirmPageDeps): Router {
  const router = Router();
  router.use('/confirm', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' });
    next();
  });

  router.get('/confirm/:token', async (req, res) => {
    const token = param(req.params.token);
    const pending = await lookUpConfirmation(deps.confirm, token);
    const campaign = deps.campaigns.get(pending.campaignSlug);
    const locale = pageLocale(req.query, pending.locale, campaign.locales);
    sendPage(res, 200, confirmPage(deps.renderer, campaign, locale, pending.confirmedAt ? 'already' : 'ask', token, req.originalUrl));
  });

  router.post('/confirm/:token', express.urlencoded({ limit: '1kb', extended: false, parameterLimit: 5 }), async (req, res) => {
    const token = param(req.params.token);
    const { action, alreadyConfirmed } = await confirmAction(deps.confirm, token);
    const campaign = deps.campaigns.get(action.campaignSlug);
    const locale = pageLocale(req.query, action.locale, campaign.locales);
    sendPage(res, 200, confirmPage(deps.renderer, campaign, locale, alreadyConfirmed ? 'already' : 'done', token, req.originalUrl));
  });
  return router;
}

/** The page behind the emailed link: a Confirm button (GET), then the thanks (POST). */
function confirmPage(renderer: PageRenderer, campaign: Campaign, locale: Locale, step: ConfirmStep, token: string, url: string): string {
  const c = renderer.text(locale).confirm as ConfirmText;
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
    layout: layout(renderer, locale, { title: `${heading} · ${title}`, campaign, url, skipTarget: 'confirm-title', skipLabel: heading }),
  });
}
