// Writing the letters of an action, before anything is stored: check what the supporter typed,
// find their MP, render one letter per target. Submitting stores what this composes; the preview
// shows it; both therefore show the supporter exactly the letters that will be sent.
import { randomUUID } from 'node:crypto';
import type { Campaign, Locale, Target } from './campaign';
import { pickLocale, roleOf } from './campaign';
import { AppError, type FieldProblem } from './errors';
import type { Recipient, RenderedLetter, SupporterDetails } from './letters';
import { fixedRecipient, letterContext } from './letters';
import { lookUpMp, lookupError, NO_EMAIL_REASON, type MpLookup } from './mpLookup';
import { normalisePostalCode, provinceOf } from './postalCode';
import type { CampaignCatalog, CampaignStates, Clock, LetterRenderer, NewLetter, RepresentativeFinder } from './ports';

export interface ActionInput {
  firstName: string;
  lastName: string;
  email: string;
  postalCode: string;
  address?: string;
  city?: string;
  message?: string;
  district?: string;
  locale?: string;
  consent?: { updates: boolean };
}

export interface ComposeDeps {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  representatives: RepresentativeFinder;
  renderer: LetterRenderer;
  clock: Clock;
}

/** The MP of a letter campaign's action: known (with or without an email), or to be found later. */
export type MpOutcome = Extract<MpLookup, { kind: 'found' | 'no_email' | 'unavailable' }>;

export interface ComposedAction {
  campaign: Campaign;
  locale: Locale;
  supporter: SupporterDetails;
  message: string | null;
  mp: MpOutcome | null;
  letters: NewLetter[];
}

/**
 * What a supporter must give beyond name, email and postal code: MP offices answer constituents
 * only (letters normally need the street address); a petition lists each signer's city.
 */
export function requiredDetails(campaign: Campaign): { address: boolean; city: boolean } {
  return { address: campaign.requireAddress, city: campaign.requireAddress || campaign.kind === 'petition' };
}

export function checkSupporter(campaign: Campaign, input: ActionInput): SupporterDetails {
  const fields: Record<string, FieldProblem> = {};
  const postalCode = normalisePostalCode(input.postalCode);
  const address = input.address?.trim() || null;
  const city = input.city?.trim() || null;
  const needs = requiredDetails(campaign);
  if (needs.address && !address) fields.address = 'required';
  if (needs.city && !city) fields.city = 'required';
  if (Object.keys(fields).length > 0) {
    if (!postalCode) fields.postalCode = 'invalid';
    throw new AppError('validation_failed', { fields });
  }
  if (!postalCode) throw invalidPostalCode();
  return {
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    email: input.email.trim().toLowerCase(),
    address,
    city,
    province: provinceOf(postalCode),
    postalCode,
  };
}

export async function composeLetters(
  deps: ComposeDeps,
  campaign: Campaign,
  supporter: SupporterDetails,
  input: ActionInput,
  /** Who asks, so no one visitor spends the Represent budget every supporter shares. */
  visitor: string | null = null,
): Promise<ComposedAction> {
  const locale = pickLocale(campaign, input.locale);
  const mp = campaign.targets.some((t) => t.kind === 'mp') ? await findMp(deps, supporter, input.district, visitor) : null;
  const message = input.message?.trim() || null;
  const letters = campaign.targets.map((target) => writeLetter(deps, campaign, target, locale, supporter, message, mp));
  return { campaign, locale, supporter, message, mp, letters };
}

/** Represent down or over its limit: accept now, find the MP later (the `lookups` queue). Anything else the supporter must fix. */
async function findMp(deps: ComposeDeps, supporter: SupporterDetails, district: string | undefined, visitor: string | null): Promise<MpOutcome> {
  const lookup = await lookUpMp(deps.representatives, supporter.postalCode, district, visitor);
  if (lookup.kind === 'unknown_code' || lookup.kind === 'choose_riding') throw lookupError(lookup);
  return lookup;
}

function writeLetter(
  deps: ComposeDeps,
  campaign: Campaign,
  target: Target,
  locale: Locale,
  supporter: SupporterDetails,
  message: string | null,
  mp: MpOutcome | null,
): NewLetter {
  const id = randomUUID();
  const role = roleOf(target, locale);
  const found = mp && mp.kind !== 'unavailable' ? mp.mp : null;
  if (target.kind === 'mp' && !found) {
    return { id, targetId: target.id, recipient: null, role, rendered: null, status: 'awaiting_lookup', reason: null };
  }
  const recipient: Recipient =
    target.kind === 'mp' && found ? { name: found.name, role, district: found.district, email: found.email } : fixedRecipient(target as Extract<Target, { kind: 'fixed' }>, locale);
  const rendered = renderLetter(deps, campaign, target.id, locale, supporter, message, recipient, found?.district ?? null);
  if (!recipient.email) return { id, targetId: target.id, recipient, role, rendered, status: 'failed', reason: NO_EMAIL_REASON };
  return { id, targetId: target.id, recipient, role, rendered, status: 'queued', reason: null };
}

export function renderLetter(
  deps: Pick<ComposeDeps, 'renderer' | 'clock'>,
  campaign: Campaign,
  targetId: string,
  locale: Locale,
  supporter: SupporterDetails,
  message: string | null,
  recipient: Recipient,
  riding: string | null,
): RenderedLetter {
  const context = letterContext({ campaign, locale, supporter, message, recipient, riding, now: deps.clock.now() });
  const subject = subjectIndex(`${supporter.email}:${targetId}`, campaign.subjects[locale].length);
  return deps.renderer.render(campaign, targetId, locale, context, subject);
}

/**
 * Which of the campaign's subjects a letter gets: varied across supporters (MP offices filter
 * identical mass mail) but fixed for one supporter and target, so the preview shows the subject
 * that will be sent. FNV-1a: small, stable, good enough to spread.
 */
export function subjectIndex(seed: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i += 1) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}

export const invalidPostalCode = () => new AppError('invalid_postal_code', { fields: { postalCode: 'invalid' } });
