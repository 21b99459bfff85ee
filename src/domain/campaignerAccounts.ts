// Campaigners' accounts: the owners invite, change and remove them; each account makes its own
// API tokens. Removing an account (or taking away the last owner) is guarded so the organisation
// can never lock itself out; everything is in the audit log, named by who did it.
import { looksLikeEmail } from './emailAddress';
import { AppError } from './errors';
import { isUuid } from './ids';
import { demand, nameOf, ROLES, type Campaigner } from './permissions';
import type { Account, AccountStore, ApiTokenSummary, AuditLog, Role } from './ports';

export interface AccountsDeps {
  accounts: AccountStore;
  audit: AuditLog;
}

function readAccountBody(body: unknown, requireEmail: boolean): { email?: string; role: Role; mayPublish: boolean } {
  const b = (body ?? {}) as { email?: unknown; role?: unknown; mayPublish?: unknown };
  const fields: Record<string, 'required' | 'invalid'> = {};
  const email = typeof b.email === 'string' ? b.email.trim() : undefined;
  if (requireEmail && !email) fields.email = 'required';
  else if (requireEmail && !looksLikeEmail(email!)) fields.email = 'invalid';
  if (!ROLES.includes(b.role as Role)) fields.role = b.role === undefined ? 'required' : 'invalid';
  if (b.mayPublish !== undefined && typeof b.mayPublish !== 'boolean') fields.mayPublish = 'invalid';
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', { fields });
  return { email, role: b.role as Role, mayPublish: b.role === 'owner' || b.mayPublish === true };
}

export async function listAccounts(deps: AccountsDeps, who: Campaigner): Promise<Account[]> {
  demand(who, 'accounts');
  return deps.accounts.list();
}

/** `{email, role, mayPublish?}` → the new account (they sign in by asking for a link). */
export async function inviteAccount(deps: AccountsDeps, who: Campaigner, body: unknown): Promise<Account> {
  demand(who, 'accounts');
  const wanted = readAccountBody(body, true);
  const account = await deps.accounts.create({ email: wanted.email!, role: wanted.role, mayPublish: wanted.mayPublish, createdBy: nameOf(who) });
  if (!account) throw new AppError('account_exists');
  await deps.audit.record({ actor: nameOf(who), action: 'invite', campaignSlug: null, detail: { email: account.email, role: account.role, mayPublish: account.mayPublish } });
  return account;
}

async function liveAccount(deps: AccountsDeps, id: string): Promise<Account> {
  const account = isUuid(id) ? await deps.accounts.byId(id) : null;
  if (!account) throw new AppError('not_found');
  return account;
}

/** `{role, mayPublish?}`: the last owner stays an owner. */
export async function changeAccount(deps: AccountsDeps, who: Campaigner, id: string, body: unknown): Promise<Account> {
  demand(who, 'accounts');
  const account = await liveAccount(deps, id);
  const wanted = readAccountBody(body, false);
  if (account.role === 'owner' && wanted.role !== 'owner' && (await deps.accounts.countOwners()) <= 1) throw new AppError('last_owner');
  const changed = (await deps.accounts.update(id, { role: wanted.role, mayPublish: wanted.mayPublish }))!;
  await deps.audit.record({ actor: nameOf(who), action: 'change_role', campaignSlug: null, detail: { email: changed.email, role: changed.role, mayPublish: changed.mayPublish } });
  return changed;
}

/** Removes the account; its sessions and tokens stop working at once. The last owner stays. */
export async function removeAccount(deps: AccountsDeps, who: Campaigner, id: string): Promise<void> {
  demand(who, 'accounts');
  const account = await liveAccount(deps, id);
  if (account.role === 'owner' && (await deps.accounts.countOwners()) <= 1) throw new AppError('last_owner');
  await deps.accounts.remove(id);
  await deps.audit.record({ actor: nameOf(who), action: 'remove_account', campaignSlug: null, detail: { email: account.email } });
}

/** A personal API token with the account's role: the secret is in this answer only. */
export async function createApiToken(deps: AccountsDeps, who: Campaigner, label: unknown): Promise<{ id: string; label: string; token: string }> {
  if (who.kind !== 'account') throw new AppError('forbidden', { internal: 'the admin token cannot own tokens' });
  const name = typeof label === 'string' ? label.trim() : '';
  if (!name || name.length > 100) throw new AppError('validation_failed', { fields: { label: name ? 'too_long' : 'required' } });
  const { id, token } = await deps.accounts.newApiToken(who.id, name);
  await deps.audit.record({ actor: nameOf(who), action: 'create_token', campaignSlug: null, detail: { label: name } });
  return { id, label: name, token };
}

export async function apiTokensOf(deps: AccountsDeps, who: Campaigner): Promise<ApiTokenSummary[]> {
  return who.kind === 'account' ? deps.accounts.apiTokens(who.id) : [];
}

export async function revokeApiToken(deps: AccountsDeps, who: Campaigner, tokenId: string): Promise<void> {
  if (who.kind !== 'account' || !isUuid(tokenId) || !(await deps.accounts.revokeApiToken(who.id, tokenId))) throw new AppError('not_found');
  await deps.audit.record({ actor: nameOf(who), action: 'revoke_token', campaignSlug: null, detail: {} });
}
