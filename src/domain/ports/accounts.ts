// Campaigners' accounts, their sign-in links and their personal API tokens. Secrets are made and
// hashed by the adapter: the domain only ever holds a secret to hand it over once.
export type Role = 'owner' | 'editor' | 'viewer';

export interface Account {
  id: string;
  email: string;
  role: Role;
  /** An editor publishes only when an owner allows it. */
  mayPublish: boolean;
  createdAt: Date;
  createdBy: string;
}

export interface ApiTokenSummary {
  id: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface AccountStore {
  /** Live accounts, owners first. */
  list(): Promise<Account[]>;
  byId(id: string): Promise<Account | null>;
  byEmail(email: string): Promise<Account | null>;
  /** A new account, or a removed one given back; null when a live account has this email. */
  create(account: { email: string; role: Role; mayPublish: boolean; createdBy: string }): Promise<Account | null>;
  /** The first owner, only while there is no live account at all (else null). */
  createFirstOwner(email: string): Promise<Account | null>;
  update(id: string, changes: { role: Role; mayPublish: boolean }): Promise<Account | null>;
  /** Removes the account and, in the same transaction, ends its sessions, links and tokens. */
  remove(id: string): Promise<boolean>;
  countOwners(): Promise<number>;
  /** Whether any live account exists (the sign-in page's first start shows while none does). */
  anyAccount(): Promise<boolean>;

  /** A one-use sign-in link's secret. */
  newSignInLink(accountId: string, expiresAt: Date): Promise<string>;
  /** Uses the link up (once) and gives its live account; null when unknown, used, expired or removed. */
  redeemSignInLink(secret: string): Promise<Account | null>;
  /** Whether the link would still sign in (for the page with the button), without using it. */
  signInLinkUsable(secret: string): Promise<boolean>;

  /** A new personal token's secret, shown once. */
  newApiToken(accountId: string, label: string): Promise<{ id: string; token: string }>;
  apiTokens(accountId: string): Promise<ApiTokenSummary[]>;
  revokeApiToken(accountId: string, tokenId: string): Promise<boolean>;
  /** The live account of a live token; null otherwise. */
  accountOfApiToken(secret: string): Promise<Account | null>;
}
