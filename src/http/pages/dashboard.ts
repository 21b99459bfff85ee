// The campaigners' dashboard (/admin), each page in its own room: sign-in (login.ts), the home
// with the numbers, the switch and the retries (dashboardHome.ts), one letter's history
// (letter.ts); plus the downloads (letters CSV, a petition's bundle) and the queue dashboard
// (bull-board) for operators. Everything but the sign-in needs a session.
import express, { Router, type ErrorRequestHandler } from 'express';
import { campaignEditor, type EditorDeps } from './campaignEditor';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { petitionBundle, type PetitionBundleDeps } from '../../domain/petitionBundle';
import { sendCsv, sendSupportersCsv } from '../csvExport';
import { actor } from '../adminAuth';
import { asAppError, httpStatusOf } from '../errorResponse';
import { errorMessage } from '../messages';
import { sendBundleCsv, sendBundleHtml, sendBundleTotalsCsv } from '../petitionBundle';
import { param } from '../requestParts';
import { adminLayout, adminLocale } from './adminLayout';
import { dashboardHome, type DashboardHomeDeps } from './dashboardHome';
import { letterPages } from './letter';
import { loginPages, type LoginDeps } from './login';
import { accountsPage, type AccountsPageDeps } from './accountsPage';
import { representativesPage, type RepresentativesPageDeps } from './representativesPage';
import { sendPage } from './layout';

export interface DashboardDeps extends DashboardHomeDeps, LoginDeps, AccountsPageDeps, EditorDeps, RepresentativesPageDeps {
  queues: Queue[];
  /** A petition's delivery bundle (the same as the API's). */
  bundle: PetitionBundleDeps;
}

// bull-board's interface styles itself inline: allow that there, and nowhere else.
const BULL_BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

export function dashboard(deps: DashboardDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const { renderer, sessions } = deps;

  const bullBoard = new ExpressAdapter();
  bullBoard.setBasePath('/admin/queues');
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: bullBoard });

  router.use(loginPages(deps, form));
  router.use('/admin', sessions.requireSession);
  router.use('/admin/queues', (_req, res, next) => (res.set('Content-Security-Policy', BULL_BOARD_CSP), next()), bullBoard.getRouter());
  router.use(dashboardHome(deps, form));
  router.use(letterPages(deps, form));
  router.use(campaignEditor(deps, form));
  router.use(accountsPage(deps, form));
  router.use(representativesPage(deps, form));

  // A petition's delivery bundle: the very same documents as GET /api/admin/campaigns/:slug/bundle.
  const bundleOf = (req: express.Request) => petitionBundle(deps.bundle, param(req.params.slug), req.query.lang);
  router.get('/admin/campaigns/:slug/bundle', async (req, res) => sendBundleHtml(res, await bundleOf(req), renderer));
  router.get('/admin/campaigns/:slug/signers.csv', async (req, res) => {
    const bundle = await bundleOf(req);
    await deps.authoring.audit.record({ actor: actor(req), action: 'export', campaignSlug: param(req.params.slug), detail: { file: 'signers.csv' } });
    await sendBundleCsv(res, bundle);
  });
  router.get('/admin/campaigns/:slug/totals.csv', async (req, res) => sendBundleTotalsCsv(res, await bundleOf(req)));
  router.get('/admin/campaigns/:slug/export.csv', async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    await deps.authoring.audit.record({ actor: actor(req), action: 'export', campaignSlug: slug, detail: { file: 'letters.csv' } });
    await sendCsv(res, `${slug}-letters.csv`, deps.store.exportRows(slug));
  });

  router.get('/admin/campaigns/:slug/supporters.csv', async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    const updatesOnly = req.query.consent === 'updates';
    await deps.authoring.audit.record({ actor: actor(req), action: 'export', campaignSlug: slug, detail: { file: updatesOnly ? 'supporters.csv (updates)' : 'supporters.csv' } });
    await sendSupportersCsv(res, `${slug}-supporters${updatesOnly ? '-updates' : ''}.csv`, deps.store.supporterRows(slug, updatesOnly));
  });

  // Errors on the dashboard are pages, not JSON.
  const errorPage: ErrorRequestHandler = (caught, req, res, next) => {
    const { error, expected } = asAppError(caught);
    // A download cut short midway (the database failed) cannot become a page any more.
    if (!expected || res.headersSent) return next(caught);
    const locale = adminLocale(req);
    const heading = errorMessage(locale, error.code);
    const home = { href: `/admin?lang=${locale}`, label: String((renderer.text(locale).admin as { home: { dashboard: string } }).home.dashboard) };
    sendPage(res, httpStatusOf(error.code), renderer.render('message', locale, { heading, home, layout: adminLayout(renderer, req, locale, heading) }));
  };
  router.use('/admin', errorPage);
  return router;
}
