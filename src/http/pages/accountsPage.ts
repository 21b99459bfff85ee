// /admin/accounts: who can sign in and with what role (owners change it), and the signed-in
// campaigner's own API tokens (a new one is shown on the answer page once, never again).
import express, { Router } from 'express';
import type { PageRenderer } from '../../adapters/pages';
import { apiTokensOf, changeAccount, createApiToken, inviteAccount, listAccounts, removeAccount, revokeApiToken, type AccountsDeps } from '../../domain/campaignerAccounts';
import { AppError } from '../../domain/errors';
import { may, ROLES, type Campaigner } from '../../domain/permissions';
import type { Account, Role } from '../../domain/ports';
import { fill } from '../../i18n';
import { campaignerOf, type Sessions } from '../adminAuth';
import { errorMessage } from '../messages';
import { param } from '../requestParts';
import { adminLayout, adminLocale, langParams, sessionOf, torontoTime } from './adminLayout';
import { sendPage } from './layout';

export interface AccountsPageDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  accounts: AccountsDeps;
}

interface AccountsText {
  title: string;
  roleNames: Record<Role, string>;
  roles: Record<Role, string>;
  added: string;
  changed: string;
  removed: string;
  revoked: string;
  never: string;
  yourRole: string;
}

const DONE = ['added', 'changed', 'removed', 'revoked'] as const;
type Done = (typeof DONE)[number];

/** A form's `role` and `mayPublish` checkbox, as the use cases read them. */
const accountForm = (body: Record<string, unknown>) => ({ email: body.email, role: body.role, mayPublish: body.mayPublish === 'on' });

export function accountsPage(deps: AccountsPageDeps, form: express.RequestHandler): Router {
  const router = Router();
  const { renderer } = deps;
  // What was done comes back as a word from a fixed list, never as text a link could carry.
  const again = (req: express.Request, done: Done) => `/admin/accounts?done=${done}${langParams(req).amp}`;

  async function show(req: express.Request, res: express.Response, status: number, extra: Record<string, unknown> = {}) {
    const locale = adminLocale(req);
    const t = (renderer.text(locale).admin as { accounts: AccountsText }).accounts;
    const who = campaignerOf(req) as Extract<Campaigner, { kind: 'account' }>;
    const owner = may(who, 'accounts');
    const people: Account[] = owner ? await listAccounts(deps.accounts, who) : [];
    const tokens = await apiTokensOf(deps.accounts, who);
    const flash = DONE.includes(req.query.done as Done) ? t[req.query.done as Done] : null;
    sendPage(
      res,
      status,
      renderer.render('admin/accounts', locale, {
        owner,
        you: fill(t.yourRole, { email: who.email, role: t.roleNames[who.role] }),
        people: people.map((a) => ({
          ...a,
          self: a.id === who.id,
          since: torontoTime(a.createdAt, true, locale),
          roleOptions: ROLES.map((r) => ({ value: r, label: t.roleNames[r], selected: r === a.role })),
        })),
        roleOptions: ROLES.map((r) => ({ value: r, label: t.roles[r], selected: r === 'editor' })),
        tokens: tokens.map((k) => ({ ...k, created: torontoTime(k.createdAt, true, locale), lastUsed: k.lastUsedAt ? torontoTime(k.lastUsedAt, true, locale) : t.never })),
        flash,
        csrf: sessionOf(req)?.csrf,
        ...langParams(req),
        ...extra,
        layout: adminLayout(renderer, req, locale, t.title),
      }),
    );
  }

  /** A refused change (a bad address, the last owner…) is said on the page, not as an error page. */
  async function attempt(req: express.Request, res: express.Response, work: () => Promise<Done>) {
    try {
      res.redirect(303, again(req, await work()));
    } catch (error) {
      if (!(error instanceof AppError) || error.code === 'forbidden') throw error;
      await show(req, res, error.code === 'validation_failed' ? 400 : 409, { error: errorMessage(adminLocale(req), error.code as never) });
    }
  }

  router.get('/admin/accounts', (req, res) => show(req, res, 200));

  router.post('/admin/accounts', form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      await inviteAccount(deps.accounts, campaignerOf(req), accountForm(req.body));
      return 'added';
    }),
  );

  router.post('/admin/accounts/:id', form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      await changeAccount(deps.accounts, campaignerOf(req), param(req.params.id), accountForm(req.body));
      return 'changed';
    }),
  );

  router.post('/admin/accounts/:id/remove', form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      await removeAccount(deps.accounts, campaignerOf(req), param(req.params.id));
      return 'removed';
    }),
  );

  // The new token is on this answer only (not a redirect: it must not sit in a URL or history).
  router.post('/admin/tokens', form, deps.sessions.requireCsrf, async (req, res) => {
    try {
      const made = await createApiToken(deps.accounts, campaignerOf(req), (req.body as { label?: unknown }).label);
      res.set('Cache-Control', 'no-store');
      await show(req, res, 201, { newToken: made.token });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation_failed') throw error;
      await show(req, res, 400, { error: errorMessage(adminLocale(req), 'validation_failed') });
    }
  });

  router.post('/admin/tokens/:id/revoke', form, deps.sessions.requireCsrf, (req, res) =>
    attempt(req, res, async () => {
      await revokeApiToken(deps.accounts, campaignerOf(req), param(req.params.id));
      return 'revoked';
    }),
  );
  return router;
}
