// /admin/representatives: the legislatures (sitting or dissolved, and the letters waiting for an
// election), and representatives' addresses that bounced, with their corrections. Owners record
// dissolutions and sittings; editors and owners correct addresses.
import express, { Router } from 'express';
import type { PageRenderer } from '../../adapters/pages';
import { correctAddress, type CorrectAddressDeps } from '../../domain/correctAddress';
import { dissolveLegislature, LEGISLATURE_IDS, legislatureBoard, legislatureSitting, type ElectionDeps } from '../../domain/elections';
import { AppError } from '../../domain/errors';
import { longDate } from '../../domain/letters';
import { legislatureName } from '../../domain/offices';
import { may } from '../../domain/permissions';
import type { OfficeContact } from '../../domain/ports';
import { actor, allow, campaignerOf, type Sessions } from '../adminAuth';
import { errorMessage } from '../messages';
import { param } from '../requestParts';
import { adminLayout, adminLocale, langParams, sessionOf, torontoTime } from './adminLayout';
import { sendPage } from './layout';

export interface RepresentativesPageDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  elections: ElectionDeps;
  addresses: CorrectAddressDeps;
  /** How else to reach a representative whose address bounced (Represent's offices). */
  contacts(letterId: string): Promise<OfficeContact[]>;
}

const DONE = ['dissolved', 'sitting', 'corrected'] as const;
type Done = (typeof DONE)[number];
const FLASH: Record<Done, string> = { dissolved: 'dissolvedFlash', sitting: 'sittingFlash', corrected: 'corrected' };

export function representativesPage(deps: RepresentativesPageDeps, form: express.RequestHandler): Router {
  const router = Router();
  const { renderer } = deps;
  const again = (req: express.Request, done: Done, n: number) => `/admin/representatives?done=${done}&n=${n}${langParams(req).amp}`;

  async function show(req: express.Request, res: express.Response, status: number, extra: Record<string, unknown> = {}) {
    const locale = adminLocale(req);
    const t = (renderer.text(locale).admin as { representatives: Record<string, string> }).representatives;
    const who = campaignerOf(req);
    const [recorded, bounced, corrections] = await Promise.all([
      legislatureBoard(deps.elections),
      deps.addresses.corrections.bounced(),
      deps.addresses.corrections.list(),
    ]);
    // Every legislature, the ones never recorded sitting; the dissolved first.
    const known = new Map(recorded.map((l) => [l.id, l]));
    const legislatures = LEGISLATURE_IDS.map((id) => {
      const l = known.get(id);
      return {
        id,
        name: legislatureName(id, locale),
        dissolved: l?.status === 'dissolved',
        electionDate: l?.electionDate ?? null,
        electionDay: l?.electionDate ? longDate(locale, new Date(`${l.electionDate}T12:00:00Z`)) : null,
        waiting: l?.waiting ?? 0,
        changed: l ? `${torontoTime(l.changedAt, true, locale)} · ${l.changedBy}` : null,
      };
    }).sort((a, b) => Number(b.dissolved) - Number(a.dissolved) || b.waiting - a.waiting);
    const done = DONE.includes(req.query.done as Done) ? (req.query.done as Done) : null;
    sendPage(
      res,
      status,
      renderer.render('admin/representatives', locale, {
        legislatures,
        // Each office that did not receive letters, with how else to reach it: what its supporters were told.
        bounced: await Promise.all(
          bounced.map(async (b) => ({ ...b, contacts: (await deps.contacts(b.letterId)).map((c) => [c.tel, c.postal?.replace(/\n/g, ', ')].filter(Boolean).join(' · ')) })),
        ),
        corrections: corrections.map((c) => ({ ...c, when: torontoTime(c.setAt, true, locale) })),
        mayElections: may(who, 'elections'),
        mayCorrect: may(who, 'operate'),
        flash: done ? t[FLASH[done]].replace('{n}', String(Number(req.query.n) || 0)) : null,
        csrf: sessionOf(req)?.csrf,
        ...langParams(req),
        ...extra,
        layout: adminLayout(renderer, req, locale, t.title),
      }),
    );
  }

  /** A refused entry (a bad date or address) is said on the page. */
  async function attempt(req: express.Request, res: express.Response, work: () => Promise<[Done, number]>) {
    try {
      const [done, n] = await work();
      res.redirect(303, again(req, done, n));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      await show(req, res, 400, { error: errorMessage(adminLocale(req), 'validation_failed'), fields: error.details.fields ?? {} });
    }
  }

  router.get('/admin/representatives', (req, res) => show(req, res, 200));
  router.post('/admin/legislatures/dissolve', allow('elections'), form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      const body = req.body as { legislature?: string; electionDate?: string };
      return ['dissolved', (await dissolveLegislature(deps.elections, actor(req), body.legislature ?? '', body.electionDate?.trim() || null)).held];
    }),
  );
  router.post('/admin/legislatures/:id/sitting', allow('elections'), form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => ['sitting', (await legislatureSitting(deps.elections, actor(req), param(req.params.id))).released]),
  );
  router.post('/admin/addresses', allow('operate'), form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      const body = req.body as { bouncedEmail?: string; email?: string };
      return ['corrected', (await correctAddress(deps.addresses, actor(req), body.bouncedEmail, body.email)).retried];
    }),
  );
  return router;
}
