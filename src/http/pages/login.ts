// Signing in to the dashboard with the admin token (ten tries a minute per address), and out:
// of this session, or of every session.
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { PageRenderer } from '../../adapters/pages';
import type { Sessions } from '../adminAuth';
import { httpError } from '../errorCodes';
import { adminLayout, adminLocale, langParams } from './adminLayout';
import { sendPage } from './layout';

interface SignInText {
  title: string;
  wrongToken: string;
}

/** Only paths inside the dashboard: never an open redirect. */
const insideDashboard = (next: unknown): next is string => typeof next === 'string' && /^\/admin(\/|\?|$)/.test(next);

export function loginPages(deps: { renderer: PageRenderer; sessions: Sessions }, form: express.RequestHandler): Router {
  const router = Router();
  const { sessions, renderer } = deps;
  // Guessing the token by trying: ten tries a minute per address.
  // TRUST_PROXY is the operator's to set (README): its check would only repeat that in the logs.
  const loginLimit = rateLimit({ windowMs: 60_000, limit: 10, standardHeaders: 'draft-8', legacyHeaders: false, validate: { trustProxy: false } });
  const page = (req: express.Request, model: Record<string, unknown>) => {
    const locale = adminLocale(req);
    const t = renderer.text(locale).admin as { signIn: SignInText };
    return renderer.render('admin/login', locale, { ...model, layout: adminLayout(renderer, req, locale, t.signIn.title) });
  };

  router.get('/admin/login', (req, res) => {
    if (!sessions.configured) throw httpError('admin_not_configured');
    sendPage(res, 200, page(req, { next: String(req.query.next ?? '/admin'), ...langParams(req) }));
  });

  router.post('/admin/login', loginLimit, form, async (req, res) => {
    const { token, name, next } = (req.body ?? {}) as Record<string, string | undefined>;
    if (!(await sessions.logIn(res, token ?? '', name ?? ''))) {
      const t = renderer.text(adminLocale(req)).admin as { signIn: SignInText };
      return sendPage(res, 401, page(req, { next, name, error: t.signIn.wrongToken, ...langParams(req) }));
    }
    res.redirect(303, insideDashboard(next) ? next : '/admin');
  });

  // Ends this session for good: a copy of its cookie no longer works.
  router.post('/admin/logout', sessions.requireSession, form, sessions.requireCsrf, async (req, res) => {
    await sessions.logOut(req, res);
    res.redirect(303, '/admin/login');
  });

  // A lost laptop, a campaigner who left: every session ends, this one too.
  router.post('/admin/logout-everywhere', sessions.requireSession, form, sessions.requireCsrf, async (_req, res) => {
    await sessions.logOutEverywhere(res);
    res.redirect(303, '/admin/login');
  });
  return router;
}
