// The campaigners' dashboard (/admin): sign in with the admin token, pick a campaign, see the
// numbers at a glance, find what failed and retry it in one click, export, open the queues.
import express, { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { LayoutModel, PageRenderer } from '../adapters/pages';
import type { AdminRepo } from '../adapters/store/adminRepo';
import type { Campaign, CampaignCatalog } from '../domain/campaign';
import { campaignStats, type CampaignStats } from '../domain/campaignStats';
import { AppError } from '../domain/errors';
import { letterHistory } from '../domain/letterSearch';
import { RETRYABLE, retryCampaign, retryLetter, type RetryDeps } from '../domain/retryLetters';
import { actor, type AdminSession, type Sessions } from './adminAuth';
import { sendCsv } from './csvExport';
import { asAppError, httpStatusOf } from './errorResponse';
import { errorMessage } from './messages';
import { param } from './requestParts';

export interface DashboardDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  campaigns: CampaignCatalog;
  store: AdminRepo;
  retry: RetryDeps;
  queues: Queue[];
}

const sessionOf = (req: Request) => (req as Request & { admin?: AdminSession }).admin;
const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function layoutFor(req: Request, title: string): LayoutModel {
  const admin = sessionOf(req);
  return { title: `${title} · dearmp`, organisation: 'dearmp · campaigners', footer: '', skipTarget: 'main', skipLabel: 'Skip to content', admin, wide: true };
}

/** Bars of actions per day, as plain numbers for an inline SVG (no chart library, no script). */
function chart(perDay: CampaignStats['perDay']) {
  const days = perDay.slice(-60);
  const width = 600;
  const height = 160;
  const max = Math.max(1, ...days.map((d) => d.actions));
  // At most 40 units a day, so a young campaign's few bars stay bars.
  const step = Math.min(40, width / Math.max(days.length, 1));
  const bars = days.map((d, i) => {
    const h = Math.round((d.actions / max) * (height - 10));
    return { x: (i * step + step * 0.1).toFixed(1), y: height - h, width: (step * 0.8).toFixed(1), height: h, day: d.day, actions: d.actions };
  });
  return {
    width,
    height,
    baseline: height,
    bars,
    max,
    first: days[0]?.day,
    last: days.at(-1)?.day,
    description: days.map((d) => `${d.day}: ${d.actions}`).join(', '),
  };
}

export function dashboard(deps: DashboardDeps): Router {
  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const { sessions } = deps;
  // Guessing the token by trying: ten tries a minute per address.
  const loginLimit = rateLimit({ windowMs: 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false });
  const html = (res: express.Response, status: number, body: string) => res.status(status).type('html').set('Cache-Control', 'no-store').send(body);

  const bullBoard = new ExpressAdapter();
  bullBoard.setBasePath('/admin/queues');
  createBullBoard({ queues: deps.queues.map((q) => new BullMQAdapter(q)), serverAdapter: bullBoard });

  router.get('/admin/login', (req, res) => {
    if (!sessions.configured) throw new AppError('admin_not_configured', 'No ADMIN_TOKEN.');
    html(res, 200, deps.renderer.render('admin/login', 'en', { next: String(req.query.next ?? '/admin'), layout: layoutFor(req, 'Sign in') }));
  });

  router.post('/admin/login', loginLimit, form, (req, res) => {
    const { token, name, next } = (req.body ?? {}) as Record<string, string | undefined>;
    if (!sessions.logIn(res, token ?? '', name ?? '')) {
      const model = { next, name, error: 'That is not the admin token. Check it and try again.', layout: layoutFor(req, 'Sign in') };
      return html(res, 401, deps.renderer.render('admin/login', 'en', model));
    }
    // Only paths inside the dashboard: never an open redirect.
    res.redirect(303, typeof next === 'string' && /^\/admin(\/|\?|$)/.test(next) ? next : '/admin');
  });

  router.use('/admin', sessions.requireSession);
  // bull-board's interface styles itself inline: allow that there, and nowhere else.
  router.use('/admin/queues', (_req, res, next) => {
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'; object-src 'none'",
    );
    next();
  }, bullBoard.getRouter());

  router.post('/admin/logout', form, sessions.requireCsrf, (_req, res) => {
    sessions.logOut(res);
    res.redirect(303, '/admin/login');
  });

  router.get('/admin', async (req, res) => {
    const all = deps.campaigns.list();
    const slug = typeof req.query.campaign === 'string' ? req.query.campaign : all[0]?.slug;
    const campaign: Campaign | undefined = all.find((c) => c.slug === slug);
    const model: Record<string, unknown> & { layout: LayoutModel } = {
      campaigns: all.map((c) => ({ slug: c.slug, title: c.title.en, status: c.status, current: c.slug === campaign?.slug })),
      flash: typeof req.query.done === 'string' ? req.query.done.slice(0, 200) : null,
      csrf: sessionOf(req)?.csrf,
      layout: layoutFor(req, 'Campaigns'),
    };
    if (campaign) {
      const stats = await campaignStats(deps.store, deps.campaigns, campaign.slug);
      const failed = (await Promise.all(RETRYABLE.map((status) => deps.store.list(campaign.slug, { status }, 20, null))))
        .flat()
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, 20);
      Object.assign(model, {
        campaign: { slug: campaign.slug, title: campaign.title.en },
        goal: campaign.goal,
        stats,
        sentCount: stats.letters.accepted + stats.letters.delivered,
        failedCount: RETRYABLE.reduce((sum, s) => sum + stats.letters[s], 0),
        letterRows: Object.entries(stats.letters).map(([status, count]) => ({ status, count })),
        chart: chart(stats.perDay),
        provinces: Object.entries(stats.byProvince).map(([province, actions]) => ({ province, actions })),
        districts: stats.byDistrict.slice(0, 20),
        failures: failed.map((l) => ({
          id: l.id,
          to: l.recipient.name ?? l.recipient.role,
          status: l.status,
          reason: l.reason,
          updated: when(l.updatedAt),
          updatedIso: l.updatedAt.toISOString(),
          retryable: true,
        })),
      });
    }
    html(res, 200, deps.renderer.render('admin/home', 'en', model));
  });

  router.get('/admin/letters/:id', async (req, res) => {
    const letter = await letterHistory(deps.store, param(req.params.id));
    const to = letter.recipient.name ?? letter.recipient.role;
    html(
      res,
      200,
      deps.renderer.render('admin/letter', 'en', {
        letter,
        to,
        retryable: RETRYABLE.includes(letter.status),
        csrf: sessionOf(req)?.csrf,
        events: letter.events.map((e) => ({ type: e.type, reason: e.reason, when: when(e.at), iso: e.at.toISOString() })),
        layout: layoutFor(req, `Letter to ${to}`),
      }),
    );
  });

  router.post('/admin/letters/:id/retry', form, sessions.requireCsrf, async (req, res) => {
    const id = param(req.params.id);
    const letter = await letterHistory(deps.store, id);
    await retryLetter(deps.retry, id, actor(req));
    res.redirect(303, `/admin?campaign=${encodeURIComponent(letter.campaign)}&done=${encodeURIComponent(`Letter to ${letter.recipient.name ?? letter.recipient.role} queued again.`)}`);
  });

  router.post('/admin/campaigns/:slug/retry', form, sessions.requireCsrf, async (req, res) => {
    const slug = param(req.params.slug);
    const { retried } = await retryCampaign(deps.retry, deps.campaigns, slug, actor(req));
    res.redirect(303, `/admin?campaign=${encodeURIComponent(slug)}&done=${encodeURIComponent(`${retried} letters queued again.`)}`);
  });

  router.get('/admin/campaigns/:slug/export.csv', async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    await sendCsv(res, `${slug}-letters.csv`, deps.store.exportRows(slug));
  });

  // Errors on the dashboard are pages, not JSON.
  router.use('/admin', ((caught, req, res, next) => {
    const { error, expected } = asAppError(caught);
    if (!expected) return next(caught);
    const heading = errorMessage('en', error.code);
    res.status(httpStatusOf(error.code)).type('html').send(deps.renderer.render('message', 'en', { heading, home: { href: '/admin', label: 'Dashboard' }, layout: layoutFor(req, heading) }));
  }) as express.ErrorRequestHandler);

  return router;
}
