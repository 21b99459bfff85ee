// Signing in by an emailed link. Asking for one answers the same whether or not the address has
// an account (nobody learns who works here); the link opens a page whose button signs in (POST),
// so a mail scanner that follows links signs nobody in. A link works once, for a short while.
// The very first owner comes from the operator's ADMIN_TOKEN, and only while there is no account.
import { looksLikeEmail } from './emailAddress';
import { AppError } from './errors';
import { signInEmailId } from './supporterEmails';
import type { Account, AccountStore, Clock, Log, Mailer } from './ports';
import type { Locale } from './campaign';

export const SIGN_IN_LINK_MINUTES = 20;

export interface SignInDeps {
  accounts: AccountStore;
  mailer: Mailer;
  clock: Clock;
  log: Log;
  /** The email carrying the link, in the campaigner's language. */
  write(link: { secret: string; locale: Locale; minutes: number }): { subject: string; text: string; html: string };
  /** Who the email is from (the service's own address answers nothing). */
  replyTo: { email: string; name: string };
  newId(): string;
}

/** Sends a link when the address has a live account; says nothing either way. */
export async function requestSignInLink(deps: SignInDeps, email: string, locale: Locale): Promise<void> {
  const account = email.trim() ? await deps.accounts.byEmail(email) : null;
  if (!account) return;
  const minutes = SIGN_IN_LINK_MINUTES;
  const secret = await deps.accounts.newSignInLink(account.id, new Date(deps.clock.now().getTime() + minutes * 60_000));
  const message = deps.write({ secret, locale, minutes });
  try {
    await deps.mailer.send({ id: signInEmailId(deps.newId()), to: { email: account.email, name: account.email }, replyTo: deps.replyTo, ...message });
  } catch (error) {
    // The page already said "if it has an account, a link is on its way": it can be asked again.
    deps.log.warn({ err: (error as Error).message }, 'a sign-in link could not be sent');
  }
}

/** Uses the link up: the account to start a session for, or 410 `sign_in_link_invalid`. */
export async function redeemSignInLink(deps: Pick<SignInDeps, 'accounts'>, secret: string): Promise<Account> {
  const account = secret ? await deps.accounts.redeemSignInLink(secret) : null;
  if (!account) throw new AppError('sign_in_link_invalid');
  return account;
}

/** The operator's first start: the ADMIN_TOKEN (checked by the caller) makes the first owner. */
export async function createFirstOwner(deps: Pick<SignInDeps, 'accounts'>, email: string): Promise<Account> {
  const trimmed = email.trim();
  if (!looksLikeEmail(trimmed)) throw new AppError('validation_failed', { fields: { email: trimmed ? 'invalid' : 'required' } });
  const account = await deps.accounts.createFirstOwner(trimmed);
  if (!account) throw new AppError('accounts_exist');
  return account;
}
