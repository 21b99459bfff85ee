// A representative's address bounced: a campaigner sets the right one. It is kept for every
// campaign (any letter later written to the bounced address goes to the corrected one), with who
// set it and when, and the letters that bounced, were dropped or failed at the old address are
// sent again to the new one, in one action, their histories saying so.
import { looksLikeEmail } from './emailAddress';
import { AppError } from './errors';
import type { AuditLog, LetterQueue } from './ports';

export interface AddressCorrection {
  bouncedEmail: string;
  email: string;
  setBy: string;
  setAt: Date;
}

export interface AddressCorrections {
  set(bouncedEmail: string, email: string, by: string): Promise<AddressCorrection>;
  list(): Promise<AddressCorrection[]>;
  /** Representatives' addresses that bounced or were dropped and have no correction yet, with how many letters. */
  bounced(): Promise<Array<{ email: string; name: string; letters: number; letterId: string }>>;
  /** Whether letters to this address (lower case) bounced or were dropped. */
  hasBounced(email: string): Promise<boolean>;
  /** Letters to the old address that did not arrive → queued to the new one; returns their ids. */
  readdress(bouncedEmail: string, email: string, reason: string): Promise<string[]>;
}

export interface CorrectAddressDeps {
  corrections: AddressCorrections;
  queue: LetterQueue;
  audit: AuditLog;
}

export async function correctAddress(deps: CorrectAddressDeps, by: string, bounced: unknown, corrected: unknown): Promise<{ correction: AddressCorrection; retried: number }> {
  const fields: Record<string, 'required' | 'invalid'> = {};
  if (typeof bounced !== 'string' || !looksLikeEmail(bounced.trim())) fields.bouncedEmail = bounced ? 'invalid' : 'required';
  if (typeof corrected !== 'string' || !looksLikeEmail(corrected.trim())) fields.email = corrected ? 'invalid' : 'required';
  if (Object.keys(fields).length === 0 && (bounced as string).trim().toLowerCase() === (corrected as string).trim().toLowerCase()) fields.email = 'invalid';
  if (Object.keys(fields).length > 0) throw new AppError('validation_failed', { fields });
  const from = (bounced as string).trim().toLowerCase();
  const to = (corrected as string).trim();
  // Only an address that bounced can be corrected: otherwise anyone who may retry letters could
  // send every campaign's letters to an office somewhere else.
  if (!(await deps.corrections.hasBounced(from))) throw new AppError('validation_failed', { fields: { bouncedEmail: 'invalid' } });
  const correction = await deps.corrections.set(from, to, by);
  const ids = await deps.corrections.readdress(from, to, `Address corrected by ${by}: ${from} bounced, sent again to ${to}.`);
  await deps.queue.ensureDelivery(ids);
  await deps.audit.record({ actor: by, action: 'correct_address', campaignSlug: null, detail: { from, to, retried: ids.length } });
  return { correction, retried: ids.length };
}
