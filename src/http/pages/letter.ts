// One letter's page on the dashboard: where it went, its whole history, and Retry when it did not arrive.
import express, { Router } from 'express';
import { letterHistory } from '../../domain/letterSearch';
import { RETRYABLE, retryLetter, type RetryDeps } from '../../domain/retryLetters';
import type { PageRenderer } from '../../adapters/pages';
import type { AdminRepo } from '../../adapters/store/adminRepo';
import { fill } from '../../i18n';
import { actor, allow, campaignerOf, type Sessions } from '../adminAuth';
import { may } from '../../domain/permissions';
import { param } from '../requestParts';
import { adminLayout, adminLocale, askedLang, langParams, sessionOf, utcMinute } from './adminLayout';
import { homeUrl } from './dashboardHome';
import { sendPage } from './layout';

export interface LetterPageDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  store: AdminRepo;
  retry: RetryDeps;
}

export function letterPages(deps: LetterPageDeps, form: express.RequestHandler): Router {
  const router = Router();
  router.get('/admin/letters/:id', async (req, res) => {
    const locale = adminLocale(req);
    const letter = await letterHistory(deps.store, param(req.params.id));
    const to = letter.recipient.name ?? letter.recipient.role;
    const admin = deps.renderer.text(locale).admin as { letter: { title: string }; letterStatus: Record<string, string> };
    const heading = fill(admin.letter.title, { name: to });
    const word = (status: string) => admin.letterStatus[status] ?? status;
    const body = deps.renderer.render('admin/letter', locale, {
      letter,
      statusWord: word(letter.status),
      to,
      heading,
      retryable: RETRYABLE.includes(letter.status) && may(campaignerOf(req), 'operate'),
      csrf: sessionOf(req)?.csrf,
      ...langParams(req),
      events: letter.events.map((e) => ({ type: word(e.type), reason: e.reason, when: utcMinute(e.at), iso: e.at.toISOString() })),
      layout: adminLayout(deps.renderer, req, locale, heading),
    });
    sendPage(res, 200, body);
  });

  router.post('/admin/letters/:id/retry', allow('operate'), form, deps.sessions.requireCsrf, async (req, res) => {
    const id = param(req.params.id);
    const letter = await letterHistory(deps.store, id);
    await retryLetter(deps.retry, id, actor(req));
    res.redirect(303, homeUrl(letter.campaign, askedLang(req), { notice: 'letterRetried' }));
  });
  return router;
}
