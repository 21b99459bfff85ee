// Who may do what on the campaigners' side. One table: the routes name the permission they need
// and ask `demand`; the pages ask `may` to show only the buttons that will work.
import { AppError } from './errors';
import type { Account, Role } from './ports';

export const ROLES: readonly Role[] = ['owner', 'editor', 'viewer'];

/**
 * read: numbers, letters, exports and bundles. draft: create, copy, edit and preview campaigns.
 * operate: pause, open, close, retry. publish: publish and roll back. erase: a supporter's data.
 * accounts: invite, change and remove campaigners. elections: record a legislature dissolved or sitting.
 */
export type Permission = 'read' | 'draft' | 'operate' | 'publish' | 'erase' | 'accounts' | 'elections';

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: ['read', 'draft', 'operate', 'publish', 'erase', 'accounts', 'elections'],
  editor: ['read', 'draft', 'operate'],
  viewer: ['read'],
};

/** A signed-in account, or the operator's ADMIN_TOKEN (scripts, the first start): an owner's rights. */
export type Campaigner =
  | { kind: 'account'; id: string; email: string; role: Role; mayPublish: boolean }
  | { kind: 'token' };

export const asCampaigner = (account: Account): Extract<Campaigner, { kind: 'account' }> => ({
  kind: 'account',
  id: account.id,
  email: account.email,
  role: account.role,
  mayPublish: account.mayPublish,
});

export const ADMIN_TOKEN_NAME = 'admin token';

export function may(who: Campaigner, permission: Permission): boolean {
  if (who.kind === 'token') return true;
  if (permission === 'publish' && who.role === 'editor') return who.mayPublish;
  return GRANTS[who.role].includes(permission);
}

/** Throws 403 `forbidden` unless this campaigner may. */
export function demand(who: Campaigner, permission: Permission): void {
  if (!may(who, permission)) throw new AppError('forbidden', { internal: `${permission} needs another role` });
}

/** The name kept in the audit log, the erasure records and the versions' `publishedBy`. */
export const nameOf = (who: Campaigner): string => (who.kind === 'token' ? ADMIN_TOKEN_NAME : who.email);
