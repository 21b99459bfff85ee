// The dashboard's home (/admin): pick a campaign, see its numbers at a glance, its status with the
// open / pause / close switch, what failed (retry one, or all), what waits to go. After a change
// the page says what happened: the notice is chosen by a code in the address (`done=paused&n=2`),
// never by text from it, so a link cannot make the dashboard say anything else.
import express, { Router, type Request } from 'express';
import type { Campaign, CampaignStatus, Locale } from '../../domain/campaign';
import { switchCampaign, type StatusCause, type SwitchDeps } from '../../domain/campaignLifecycle';
import { campaignStats, type CampaignStats } from '../../domain/campaignStats';
import type { HealthDeps, ServiceAlert } from '../../domain/serviceHealth';
import type { AuthoringDeps } from '../../domain/campaignAuthoring';
import type { Change } from '../../domain/definitionChanges';
import { LEVELS, legislatureName, type Level } from '../../domain/offices';
import type { CrmStore, LegislatureStore } from '../../domain/ports';
import { movableLetters, moveUnsentLetters, type MoveLettersDeps } from '../../domain/moveLetters';
import type { AuditEntry } from '../../domain/ports';

type AlertText = Record<'title' | 'sendgrid_refused' | 'bounce_rate', string> & Record<'represent_unreachable' | 'letters_uncertain', Plural>;
import { longDate } from '../../domain/letters';
import type { Pacing } from '../../domain/pacing';
import type { CampaignCatalog } from '../../domain/ports';
import { scrubDueAt, type RetentionDeps } from '../../domain/retention';
import { RETRYABLE, retryCampaign, type RetryDeps } from '../../domain/retryLetters';
import type { PageRenderer } from '../../adapters/pages';
import type { AdminRepo } from '../../adapters/store/adminRepo';
import { fill } from '../../i18n';
import { readSwitch } from '../adminApi';
import { actor, allow, campaignerOf, type Sessions } from '../adminAuth';
import { may } from '../../domain/permissions';
import { param } from '../requestParts';
import { adminLayout, adminLocale, askedLang, langParams, sessionOf, torontoTime, utcMinute } from './adminLayout';
import { formatNumber, plural, sendPage, type Plural } from './layout';

export interface DashboardHomeDeps {
  /** The organisation's CRM posts, when CRM_WEBHOOK_URL is set: the dashboard says how they go. */
  crm: CrmStore | null;
  /** Unsent letters moved to a fixed target's new holder (a cabinet shuffle). */
  moveLetters: MoveLettersDeps;
  /** Dissolved legislatures: the dashboard says their letters wait. */
  legislatures: Pick<LegislatureStore, 'dissolved'>;
  renderer: PageRenderer;
  sessions: Sessions;
  campaigns: CampaignCatalog;
  store: AdminRepo;
  retry: RetryDeps;
  /** Open / pause / close, and each campaign's current state. */
  lifecycle: SwitchDeps;
  /** When a closed campaign's personal data is due to be scrubbed. */
  retention: Pick<RetentionDeps, 'states' | 'store'>;
  /** What keeps letters from going out: the banner. */
  health: HealthDeps;
  /** No mail service set up: "sent" would be untrue, letters are written to the outbox. */
  outbox: boolean;
  /** The audit log is read through the authoring deps (the editor writes to it). */
  authoring: AuthoringDeps;
}

interface HomeText {
  title: string;
  crmLine: string;
  crmFailing: string;
  noSource: string;
  fromShares: Plural;
  moveLetters: string;
  byRidingAt: string;
  dissolvedBanner: string;
  statusWords: Record<CampaignStatus, string>;
  switchButtons: Record<CampaignStatus, string>;
  causes: Record<StatusCause, string> & { switchBy: string };
  held: Plural;
  progressGoal: Plural;
  progressNoGoal: Plural;
  awaiting: Plural;
  perHour: Plural;
  anyTime: string;
  officeHours: string;
  weekdays: string[];
  retentionKept: string;
  retentionDays: Plural;
  cardActions: string;
  cardSent: string;
  cardSentOutbox: string;
  cardOfGoal: string;
  chartLegend: string;
  retryAll: string;
  retryLabel: string;
  queuedCount: string;
  queuedPaced: string;
  notPlanned: string;
}

type NoticeText = Record<'letterRetried', string> & Record<'campaignRetried' | 'paused' | 'opened' | 'closed' | 'moved', Plural>;

/** What a change on the dashboard did, as a code and a count in the address it returns to. */
export const NOTICES = ['letterRetried', 'campaignRetried', 'paused', 'opened', 'closed', 'moved'] as const;
export type Notice = (typeof NOTICES)[number];

export function homeUrl(slug: string, lang: Locale | null, done?: { notice: Notice; n?: number }): string {
  const query = new URLSearchParams({ campaign: slug });
  if (lang) query.set('lang', lang);
  if (done) {
    query.set('done', done.notice);
    if (done.n !== undefined) query.set('n', String(done.n));
  }
  return `/admin?${query.toString()}`;
}

function noticeText(text: NoticeText, locale: Locale, query: Request['query']): string | null {
  const notice = NOTICES.find((n) => n === query.done);
  if (!notice) return null;
  if (notice === 'letterRetried') return text.letterRetried;
  const n = Number(query.n);
  return Number.isInteger(n) && n >= 0 ? plural(locale, text[notice], n) : null;
}

/** The audit log's words, and the role names its account lines use. */
type AuditText = Record<string, string> & { roles: Record<string, string> };

/** One line of the audit log, in the campaigner's language; a publish lists what changed. */
function activityLine(t: AuditText, home: HomeText, locale: Locale, entry: AuditEntry) {
  const d = entry.detail as Record<string, unknown>;
  const changes = entry.action === 'publish' ? ((d.changes as Change[] | undefined) ?? []) : [];
  const roleWord = (role: string) => t.roles[role] ?? role;
  const what: Record<AuditEntry['action'], () => string> = {
    create: () => t.create,
    copy: () => fill(t.copy, { to: String(d.to) }),
    publish: () => fill(t.publish, { version: String(d.version) }),
    rollback: () => fill(t.rollback, { to: String(d.to), version: String(d.version) }),
    switch: () => fill(t.switch, { status: home.statusWords[d.status as CampaignStatus] ?? String(d.status) }),
    retry: () => (d.letters === undefined ? t.retryOne : fill(t.retryMany, { letters: String(d.letters) })),
    export: () => fill(t.export, { file: String(d.file) }),
    erase: () => t.erase,
    invite: () => fill(t.invite, { email: String(d.email), role: roleWord(String(d.role)) }),
    change_role: () => fill(t.change_role, { email: String(d.email), role: roleWord(String(d.role)) }),
    remove_account: () => fill(t.remove_account, { email: String(d.email) }),
    create_token: () => fill(t.create_token, { label: String(d.label) }),
    revoke_token: () => t.revoke_token,
    dissolve: () => fill(t.dissolve, { legislature: legislatureName(String(d.legislature), locale), date: String(d.electionDate ?? '—'), held: String(d.held ?? 0) }),
    sitting: () => fill(t.sitting, { legislature: legislatureName(String(d.legislature), locale), released: String(d.released ?? 0) }),
    correct_address: () => fill(t.correct_address, { from: String(d.from), to: String(d.to), retried: String(d.retried ?? 0) }),
    move_letters: () => fill(t.move_letters, { target: String(d.target), to: String(d.to), moved: String(d.moved ?? 0) }),
  };
  return {
    when: torontoTime(entry.at, true, locale),
    iso: entry.at.toISOString(),
    who: entry.actor,
    what: what[entry.action]?.() ?? entry.action,
    changes: changes.slice(0, 12).map((c) => (c.before !== undefined || c.after !== undefined ? `${c.path}: “${c.before ?? ''}” → “${c.after ?? ''}”` : c.path)),
    more: changes.length > 12 ? changes.length - 12 : 0,
  };
}

/** What the editor did, said on the campaign's page it returns to. */
function editorNotice(t: Record<string, string>, query: Request['query']): string | null {
  const version = Number(query.published);
  if (Number.isInteger(version) && version > 0) return fill(t.published, { version });
  if (query.copy === 'taken') return t.copyTaken;
  if (query.copy === 'invalid') return t.copyInvalid;
  return null;
}

const SWITCH_CLASSES: Record<CampaignStatus, string> = { open: 'primary', paused: 'secondary', closed: 'secondary danger' };

function causeText(t: HomeText, cause: StatusCause, by: string | null): string {
  return cause === 'switch' && by ? fill(t.causes.switchBy, { name: by }) : t.causes[cause];
}

function pacingText(t: HomeText, locale: Locale, pacing: Pacing): { perHour: string; hours: string } {
  const perHour = plural(locale, t.perHour, pacing.perTargetPerHour);
  const h = pacing.officeHours;
  if (!h) return { perHour, hours: t.anyTime };
  const days = [...h.days].sort((a, b) => a - b).map((d) => t.weekdays[d - 1]).join(', ');
  return { perHour, hours: fill(t.officeHours, { days, start: h.start, end: h.end, timezone: h.timezone }) };
}

/** Bars of actions per day, as plain numbers for an inline SVG (no chart library, no script). */
function chart(t: HomeText, perDay: CampaignStats['perDay']) {
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
    legend: fill(t.chartLegend, { first: days[0]?.day ?? '', last: days.at(-1)?.day ?? '', max }),
    description: days.map((d) => `${d.day}: ${d.actions}`).join(', '),
  };
}

/** The campaign's state and what it means for actions and letters: status, switch, goal, pacing, retention, petition bundle. */
async function lifecycleModel(deps: DashboardHomeDeps, t: HomeText, locale: Locale, campaign: Campaign, stats: CampaignStats) {
  const state = await deps.lifecycle.states.of(campaign);
  const latest = state.cause === 'switch' ? await deps.lifecycle.switches.latest(campaign.slug) : null;
  const due = await scrubDueAt(deps.retention, campaign);
  const queued = campaign.kind === 'letter' && stats.letters.queued > 0 ? await deps.store.list(campaign.slug, { status: 'queued' }, 20, null) : [];
  // Paced: the next to go first; letters not planned yet (a worker has not seen them) last.
  const planned = (d: Date | null) => d?.getTime() ?? Number.POSITIVE_INFINITY;
  if (campaign.pacing) queued.sort((a, b) => planned(a.plannedAt) - planned(b.plannedAt));
  const { goal } = campaign;
  const confirmed = stats.confirmedActions;
  return {
    state: {
      status: state.status,
      label: t.statusWords[state.status],
      cause: causeText(t, state.cause, latest?.by ?? null),
      since: state.since ? torontoTime(state.since, true, locale) : null,
      sinceIso: state.since?.toISOString() ?? null,
      held: state.status === 'paused' && stats.letters.queued > 0 ? plural(locale, t.held, stats.letters.queued) : null,
    },
    switches: (['open', 'paused', 'closed'] as const)
      .filter((status) => status !== state.status)
      .map((status) => ({ status, label: t.switchButtons[status], className: SWITCH_CLASSES[status] })),
    progress: {
      confirmed,
      text: goal
        ? plural(locale, t.progressGoal, confirmed, { goal, percent: Math.min(100, Math.floor((confirmed / goal) * 100)) })
        : plural(locale, t.progressNoGoal, confirmed),
      goal,
      awaiting: campaign.confirm ? plural(locale, t.awaiting, stats.unconfirmedActions) : null,
    },
    pacing: campaign.pacing ? pacingText(t, locale, campaign.pacing) : null,
    queuedLetters: queued.map((l) => ({
      id: l.id,
      to: l.recipient.name ?? l.recipient.role,
      status: (deps.renderer.text(locale).admin as { letterStatus: Record<string, string> }).letterStatus[l.status] ?? l.status,
      planned: l.plannedAt ? torontoTime(l.plannedAt, false, locale) : t.notPlanned,
      plannedIso: l.plannedAt?.toISOString() ?? null,
    })),
    queuedText: `${fill(t.queuedCount, { count: formatNumber(locale, stats.letters.queued) })}${campaign.pacing ? t.queuedPaced : ''}`,
    petition: campaign.kind === 'petition',
    retention:
      campaign.retentionDays === null
        ? { text: t.retentionKept, due: null }
        : {
            text: plural(locale, t.retentionDays, campaign.retentionDays),
            due: due ? longDate(locale, due) : null,
            dueIso: due?.toISOString() ?? null,
          },
  };
}

/** The banner's lines: each alert in the campaigner's language. */
function alertLines(t: AlertText, locale: Locale, alerts: ServiceAlert[]): string[] {
  return alerts.map((a) => {
    switch (a.code) {
      case 'sendgrid_refused':
        return fill(t.sendgrid_refused, { detail: a.detail ?? '' });
      case 'represent_unreachable':
        return plural(locale, t.represent_unreachable, a.count ?? 0, { since: a.since ? `${torontoTime(new Date(a.since), false, locale)}` : '' });
      case 'letters_uncertain':
        return plural(locale, t.letters_uncertain, a.count ?? 0);
      case 'bounce_rate':
        return fill(t.bounce_rate, { percent: formatNumber(locale, a.percent ?? 0), count: formatNumber(locale, a.count ?? 0) });
    }
  });
}

export function dashboardHome(deps: DashboardHomeDeps, form: express.RequestHandler): Router {
  const router = Router();
  const { sessions, renderer } = deps;

  router.get('/admin', async (req, res) => {
    const locale = adminLocale(req);
    const text = renderer.text(locale).admin as {
      home: HomeText; notices: NoticeText; alerts: AlertText; editor: Record<string, string>; letterStatus: Record<string, string>; audit: AuditText; levels: Record<Level, string>;
    };
    const t = text.home;
    const all = deps.campaigns.list();
    const slug = typeof req.query.campaign === 'string' ? req.query.campaign : all[0]?.slug;
    const campaign: Campaign | undefined = all.find((c) => c.slug === slug);
    const states = await Promise.all(all.map((c) => deps.lifecycle.states.of(c)));
    const who = campaignerOf(req);
    const model: Record<string, unknown> = {
      can: { operate: may(who, 'operate'), draft: may(who, 'draft') },
      campaigns: all.map((c, i) => ({
        slug: c.slug,
        title: c.title[(c.locales as string[]).includes(locale) ? locale : c.locales[0]],
        statusLabel: t.statusWords[states[i].status],
        current: c.slug === campaign?.slug,
      })),
      flash: noticeText(text.notices, locale, req.query) ?? editorNotice(text.editor, req.query),
      ...langParams(req),
      csrf: sessionOf(req)?.csrf,
    };
    if (campaign) {
      const stats = await campaignStats({ ...deps, states: deps.lifecycle.states }, campaign.slug);
      const failed = (await Promise.all(RETRYABLE.map((status) => deps.store.list(campaign.slug, { status }, 20, null))))
        .flat()
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime())
        .slice(0, 20);
      const failedCount = RETRYABLE.reduce((sum, s) => sum + stats.letters[s], 0);
      Object.assign(model, await lifecycleModel(deps, t, locale, campaign, stats), {
        campaign: { slug: campaign.slug, title: campaign.title[(campaign.locales as string[]).includes(locale) ? locale : campaign.locales[0]] },
        goal: campaign.goal,
        stats,
        failedCount,
        cards: {
          actions: formatNumber(locale, stats.actions),
          ofGoal: campaign.goal ? fill(t.cardOfGoal, { goal: campaign.goal }) : '',
          lastHour: formatNumber(locale, stats.lastHour),
          sent: formatNumber(locale, stats.letters.accepted + stats.letters.delivered),
          sentLabel: deps.outbox ? t.cardSentOutbox : t.cardSent,
          confirmed: formatNumber(locale, stats.confirmedActions),
          unconfirmed: stats.unconfirmedActions > 0 ? formatNumber(locale, stats.unconfirmedActions) : null,
          failed: formatNumber(locale, failedCount),
        },
        retryAll: fill(t.retryAll, { count: failedCount }),
        alerts: alertLines(text.alerts, locale, stats.alerts),
        activity: (await deps.authoring.audit.recent(campaign.slug, 15)).map((entry) => activityLine(text.audit, t, locale, entry)),
        letterRows: Object.entries(stats.letters).map(([status, count]) => ({ status: text.letterStatus[status] ?? status, code: status, count: formatNumber(locale, count) })),
        chart: chart(t, stats.perDay),
        provinces: Object.entries(stats.byProvince).map(([province, actions]) => ({ province, actions: formatNumber(locale, actions) })),
        districts: stats.byDistrict.slice(0, 20).map((d) => ({ district: d.district, actions: formatNumber(locale, d.actions) })),
        // Each target's letters by office, and the ridings of each level (only when the campaign writes beyond the MP).
        targets: stats.byTarget.map((row) => ({
          target: row.target,
          office: row.office ?? (row.level ? text.levels[row.level] : '—'),
          letters: formatNumber(locale, row.letters),
          sent: formatNumber(locale, (row.byStatus.accepted ?? 0) + (row.byStatus.delivered ?? 0)),
          waiting: formatNumber(locale, (row.byStatus.awaiting_election ?? 0) + (row.byStatus.awaiting_lookup ?? 0) + (row.byStatus.queued ?? 0)),
          skipped: formatNumber(locale, row.byStatus.skipped ?? 0),
        })),
        sources: stats.bySource.map((row) => ({ source: row.source ?? t.noSource, medium: row.medium ?? '—', actions: formatNumber(locale, row.actions) })),
        fromShares: stats.actions > 0
          ? plural(locale, t.fromShares, stats.fromShares, { percent: formatNumber(locale, Math.round((100 * stats.fromShares) / stats.actions)) })
          : null,
        levelRidings: LEVELS.filter((level) => level !== 'federal' && stats.byLevelDistrict[level]?.length).map((level) => ({
          title: fill(t.byRidingAt, { level: text.levels[level] }),
          rows: stats.byLevelDistrict[level]!.map((d) => ({ district: d.district, letters: formatNumber(locale, d.letters) })),
        })),
        movable: may(who, 'operate')
          ? (await movableLetters(deps.moveLetters, campaign.slug)).map((m) => ({ ...m, label: fill(t.moveLetters, { letters: formatNumber(locale, m.letters), to: m.to }) }))
          : [],
        crm: deps.crm ? crmLine(t, locale, await deps.crm.counts()) : null,
        elections: (await deps.legislatures.dissolved().then((m) => [...m.values()]).catch(() => [])).map((l) =>
          fill(t.dissolvedBanner, { legislature: legislatureName(l.id, locale), date: l.electionDate ?? '—' }),
        ),
        failures: failed.map((l) => {
          const to = l.recipient.name ?? l.recipient.role;
          return {
            id: l.id,
            to,
            status: text.letterStatus[l.status] ?? l.status,
            reason: l.reason,
            updated: utcMinute(l.updatedAt),
            updatedIso: l.updatedAt.toISOString(),
            retryable: may(who, 'operate'),
            retryLabel: fill(t.retryLabel, { name: to }),
          };
        }),
      });
    }
    sendPage(res, 200, renderer.render('admin/home', locale, { ...model, layout: adminLayout(renderer, req, locale, t.title) }));
  });

  router.post('/admin/campaigns/:slug/targets/:target/move', allow('operate'), form, sessions.requireCsrf, async (req, res) => {
    const slug = param(req.params.slug);
    const { moved } = await moveUnsentLetters(deps.moveLetters, actor(req), slug, param(req.params.target));
    res.redirect(303, homeUrl(slug, askedLang(req), { notice: 'moved', n: moved }));
  });
  router.post('/admin/campaigns/:slug/retry', allow('operate'), form, sessions.requireCsrf, async (req, res) => {
    const slug = param(req.params.slug);
    const { retried } = await retryCampaign(deps.retry, deps.campaigns, slug, actor(req));
    res.redirect(303, homeUrl(slug, askedLang(req), { notice: 'campaignRetried', n: retried }));
  });

  // Open, pause or close: one form, one button per change; the notice says what happened to the letters.
  router.post('/admin/campaigns/:slug/status', allow('operate'), form, sessions.requireCsrf, async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    const { state, released } = await switchCampaign(deps.lifecycle, slug, readSwitch(req.body), actor(req));
    const queued = (await deps.store.letterCounts(slug)).find((r) => r.status === 'queued')?.count ?? 0;
    const done = state.status === 'paused' ? { notice: 'paused' as const, n: queued } : state.status === 'open' ? { notice: 'opened' as const, n: released } : { notice: 'closed' as const, n: queued };
    res.redirect(303, homeUrl(slug, askedLang(req), done));
  });
  return router;
}

/** How the posts to the organisation's CRM go: delivered, waiting, failing and why. */
function crmLine(t: HomeText, locale: Locale, counts: { pending: number; delivered: number; failing: number; lastError: string | null }) {
  const n = (value: number) => formatNumber(locale, value);
  return {
    summary: fill(t.crmLine, { delivered: n(counts.delivered), pending: n(counts.pending), failing: n(counts.failing) }),
    failing: counts.failing > 0 || counts.lastError ? fill(t.crmFailing, { reason: counts.lastError ?? '—' }) : null,
  };
}
