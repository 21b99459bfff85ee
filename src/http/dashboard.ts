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
import type { Campaign } from '../domain/campaign';
import { switchCampaign, type CampaignState, type StatusCause, type SwitchDeps } from '../domain/campaignLifecycle';
import { campaignStats, type CampaignStats } from '../domain/campaignStats';
import { AppError } from '../domain/errors';
import { letterHistory } from '../domain/letterSearch';
import { longDate } from '../domain/letters';
import type { Pacing } from '../domain/pacing';
import { petitionBundle, type PetitionBundleDeps } from '../domain/petitionBundle';
import { scrubDueAt, type RetentionDeps } from '../domain/retention';
import { RETRYABLE, retryCampaign, retryLetter, type RetryDeps } from '../domain/retryLetters';
import { readSwitch } from './adminApi';
import { actor, type AdminSession, type Sessions } from './adminAuth';
import { sendCsv } from './csvExport';
import { sendBundleCsv, sendBundleHtml, sendBundleTotalsCsv } from './petitionBundle';
import { asAppError, httpStatusOf } from './errorResponse';
import { errorMessage } from './messages';
import { param } from './requestParts';
import type { CampaignCatalog } from '../domain/ports';
import { httpError } from './errorCodes';

export interface DashboardDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  campaigns: CampaignCatalog;
  store: AdminRepo;
  retry: RetryDeps;
  queues: Queue[];
  /** Open / pause / close, and each campaign's current state. */
  lifecycle: SwitchDeps;
  /** A petition's delivery bundle (the same as the API's). */
  bundle: PetitionBundleDeps;
  /** When a closed campaign's personal data is due to be scrubbed. */
  retention: Pick<RetentionDeps, 'states' | 'store'>;
}

const sessionOf = (req: Request) => (req as Request & { admin?: AdminSession }).admin;
const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

// Campaigners plan around the House: times in Toronto.
const TORONTO_PARTS = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'America/Toronto',
});

/** "Mon 24 Nov 09:06" in Toronto time (with the year when asked: "Mon 24 Nov 2025 09:06"). */
export function torontoTime(d: Date, withYear = false): string {
  const p = Object.fromEntries(TORONTO_PARTS.formatToParts(d).map((part) => [part.type, part.value]));
  return `${p.weekday} ${p.day} ${p.month}${withYear ? ` ${p.year}` : ''} ${p.hour}:${p.minute}`;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const STATUS_WORDS: Record<CampaignState['status'], string> = { open: 'Open', paused: 'Paused', closed: 'Closed' };

function causeText(cause: StatusCause, by: string | null): string {
  switch (cause) {
    case 'definition':
      return 'as set in the campaign’s definition';
    case 'not_started':
      return 'its start date has not come yet';
    case 'ended':
      return 'its end date has passed';
    case 'switch':
      return by ? `switched by ${by}` : 'switched on the dashboard';
  }
}

const SWITCH_BUTTONS: Array<{ status: CampaignState['status']; label: string; className: string }> = [
  { status: 'open', label: 'Open', className: 'primary' },
  { status: 'paused', label: 'Pause', className: 'secondary' },
  { status: 'closed', label: 'Close campaign (stops new actions)', className: 'secondary danger' },
];

function pacingText(pacing: Pacing): { perHour: string; hours: string } {
  const perHour = `At most ${plural(pacing.perTargetPerHour, 'letter', 'letters')} an hour to each MP or minister`;
  const h = pacing.officeHours;
  if (!h) return { perHour, hours: 'Any time of day' };
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const days = [...h.days].sort((a, b) => a - b).map((d) => names[d - 1]).join(', ');
  return { perHour, hours: `Office hours: ${days}, ${h.start}–${h.end} (${h.timezone})` };
}

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

/** The campaign's state and what it means for actions and letters: status, switch, goal, pacing, retention, petition bundle. */
async function lifecycleModel(deps: DashboardDeps, campaign: Campaign, stats: CampaignStats) {
  const state = await deps.lifecycle.states.of(campaign);
  const latest = state.cause === 'switch' ? await deps.lifecycle.switches.latest(campaign.slug) : null;
  const due = await scrubDueAt(deps.retention, campaign);
  const queued = campaign.kind === 'letter' && stats.letters.queued > 0 ? await deps.store.list(campaign.slug, { status: 'queued' }, 20, null) : [];
  // Paced: the next to go first; letters not planned yet (a worker has not seen them) last.
  const planned = (d: Date | null) => d?.getTime() ?? Number.POSITIVE_INFINITY;
  if (campaign.pacing) queued.sort((a, b) => planned(a.plannedAt) - planned(b.plannedAt));
  const goal = campaign.goal;
  return {
    state: {
      status: state.status,
      label: STATUS_WORDS[state.status],
      cause: causeText(state.cause, latest?.by ?? null),
      since: state.since ? torontoTime(state.since, true) : null,
      sinceIso: state.since?.toISOString() ?? null,
      held: state.status === 'paused' && stats.letters.queued > 0 ? `${plural(stats.letters.queued, 'queued letter is', 'queued letters are')} held until the campaign is opened again.` : null,
    },
    switches: SWITCH_BUTTONS.filter((b) => b.status !== state.status),
    progress: {
      confirmed: stats.confirmedActions,
      text: `${plural(stats.confirmedActions, 'confirmed action', 'confirmed actions')}${goal ? ` of the goal of ${goal} (${Math.min(100, Math.floor((stats.confirmedActions / goal) * 100))}%)` : ' (no goal set)'}`,
      goal,
      awaiting: campaign.confirm ? `${plural(stats.unconfirmedActions, 'action', 'actions')} not yet confirmed by the supporter (the confirmation email is waiting for a click)` : null,
    },
    pacing: campaign.pacing ? pacingText(campaign.pacing) : null,
    queuedLetters: queued.map((l) => ({
      id: l.id,
      to: l.recipient.name ?? l.recipient.role,
      status: l.status,
      planned: l.plannedAt ? torontoTime(l.plannedAt) : 'not planned yet',
      plannedIso: l.plannedAt?.toISOString() ?? null,
    })),
    queuedCount: stats.letters.queued,
    petition: campaign.kind === 'petition',
    retention:
      campaign.retentionDays === null
        ? { text: 'Personal data is kept until you erase it', due: null }
        : {
            text: `Personal data is kept ${plural(campaign.retentionDays, 'day', 'days')} after the campaign closes`,
            due: due ? longDate('en', due) : null,
            dueIso: due?.toISOString() ?? null,
          },
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
    if (!sessions.configured) throw httpError('admin_not_configured');
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
    const states = await Promise.all(all.map((c) => deps.lifecycle.states.of(c)));
    const model: Record<string, unknown> & { layout: LayoutModel } = {
      campaigns: all.map((c, i) => ({ slug: c.slug, title: c.title.en, status: states[i].status, current: c.slug === campaign?.slug })),
      flash: typeof req.query.done === 'string' ? req.query.done.slice(0, 200) : null,
      csrf: sessionOf(req)?.csrf,
      layout: layoutFor(req, 'Campaigns'),
    };
    if (campaign) {
      const stats = await campaignStats(deps.store, deps.campaigns, deps.lifecycle.states, campaign.slug);
      const failed = (await Promise.all(RETRYABLE.map((status) => deps.store.list(campaign.slug, { status }, 20, null))))
        .flat()
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, 20);
      Object.assign(model, await lifecycleModel(deps, campaign, stats));
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

  // Open, pause or close: one form, one button per change; the notice says what happened to the letters.
  router.post('/admin/campaigns/:slug/status', form, sessions.requireCsrf, async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    const { state, released } = await switchCampaign(deps.lifecycle, slug, readSwitch(req.body), actor(req));
    const queued = (await deps.store.letterCounts(slug)).find((r) => r.status === 'queued')?.count ?? 0;
    const notice =
      state.status === 'paused'
        ? `Paused: ${plural(queued, 'queued letter is', 'queued letters are')} held. New actions are refused until you open the campaign again.`
        : state.status === 'open'
          ? `Opened: ${plural(released, 'held letter', 'held letters')} released.`
          : `Closed: new actions are refused; ${plural(queued, 'queued letter is', 'queued letters are')} still sent.`;
    res.redirect(303, `/admin?campaign=${encodeURIComponent(slug)}&done=${encodeURIComponent(notice)}`);
  });

  // A petition's delivery bundle: the very same documents as GET /api/admin/campaigns/:slug/bundle.
  router.get('/admin/campaigns/:slug/bundle', async (req, res) => {
    await sendBundleHtml(res, await petitionBundle(deps.bundle, param(req.params.slug), req.query.lang));
  });
  router.get('/admin/campaigns/:slug/signers.csv', async (req, res) => {
    await sendBundleCsv(res, await petitionBundle(deps.bundle, param(req.params.slug), req.query.lang));
  });
  router.get('/admin/campaigns/:slug/totals.csv', async (req, res) => {
    await sendBundleTotalsCsv(res, await petitionBundle(deps.bundle, param(req.params.slug), req.query.lang));
  });

  router.get('/admin/campaigns/:slug/export.csv', async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    await sendCsv(res, `${slug}-letters.csv`, deps.store.exportRows(slug));
  });

  // Errors on the dashboard are pages, not JSON.
  router.use('/admin', ((caught, req, res, next) => {
    const { error, expected } = asAppError(caught);
    // A download cut short midway (the database failed) cannot become a page any more.
    if (!expected || res.headersSent) return next(caught);
    const heading = errorMessage('en', error.code);
    res.status(httpStatusOf(error.code)).type('html').send(deps.renderer.render('message', 'en', { heading, home: { href: '/admin', label: 'Dashboard' }, layout: layoutFor(req, heading) }));
  }) as express.ErrorRequestHandler);

  return router;
}
