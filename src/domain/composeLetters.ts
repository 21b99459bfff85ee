// Writing the letters of an action, before anything is stored: check what the supporter typed,
// find their representatives (one Represent answer for every level), render one letter per
// target and holder. Submitting stores what this composes; the preview shows it; both therefore
// show the supporter exactly the letters that will be sent.
import { randomUUID } from 'node:crypto';
import type { Campaign, Locale, Target } from './campaign';
import type { ActionSource } from './sources';
import { officeOf, pickLocale, roleOf } from './campaign';
import { AppError, type FieldProblem } from './errors';
import type { Recipient, RenderedLetter, SupporterDetails } from './letters';
import { fixedRecipient, letterContext } from './letters';
import { lookupError, NO_EMAIL_REASON } from './mpLookup';
import { freshAfterElections } from './elections';
import { heldForElection, holdersFor, letterForHolder } from './officeHolders';
import { legislatureOf } from './offices';
import { normalisePostalCode, provinceOf } from './postalCode';
import type { CampaignCatalog, CampaignStates, Clock, FinderAnswer, Legislature, LegislatureStore, LetterRenderer, NewLetter, RepresentativeFinder } from './ports';

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
  /** The targets ticked, when the campaign lets the supporter choose. */
  targets?: string[];
  /** Where the supporter came from (the page address's utm_* and src), checked (sources.ts). */
  source?: ActionSource | null;
  /** The referral code of the share link they came through. */
  ref?: string | null;
}

export interface ComposeDeps {
  campaigns: CampaignCatalog;
  states: CampaignStates;
  representatives: RepresentativeFinder;
  renderer: LetterRenderer;
  clock: Clock;
  legislatures: Pick<LegislatureStore, 'dissolved' | 'sittingSince'>;
}

export interface ComposedAction {
  campaign: Campaign;
  locale: Locale;
  supporter: SupporterDetails;
  message: string | null;
  /** The federal riding, when an MP letter found it. */
  district: string | null;
  /** Represent could not answer now: the office letters wait for it. */
  unavailable: Extract<FinderAnswer, { kind: 'unavailable' }> | null;
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
  const message = input.message?.trim() || null;
  const targets = chosenTargets(campaign, input.targets);
  const offices = targets.some((t) => officeOf(t) !== null);
  const dissolved = offices ? await deps.legislatures.dissolved() : new Map<string, Legislature>();
  // One Represent answer serves every level; none is asked for when every office waits for an election.
  const heldTargets = (t: Target) => {
    const office = officeOf(t);
    return office !== null && dissolved.has(legislatureOf(office.level, supporter.province) ?? '');
  };
  // After an election, only an answer fetched since its legislature sat again names the members elected.
  const freshAfter = offices
    ? freshAfterElections(await deps.legislatures.sittingSince(), targets.map((t) => {
        const office = officeOf(t);
        return office ? legislatureOf(office.level, supporter.province) : null;
      }))
    : null;
  const lookup = targets.some((t) => officeOf(t) !== null && !heldTargets(t)) ? await findLookup(deps, supporter, visitor, freshAfter) : null;
  const write: Writer = { deps, campaign, locale, supporter, message, district: input.district ?? null, lookup, dissolved };
  const letters = targets.flatMap((target) => lettersFor(write, target));
  const federal = letters.find((l) => l.office?.level === 'federal' && l.recipient);
  return {
    campaign,
    locale,
    supporter,
    message,
    district: federal?.recipient?.district ?? null,
    unavailable: lookup?.kind === 'unavailable' ? lookup : null,
    letters,
  };
}

/** The targets the supporter writes to: all of them, or the ones they ticked when the campaign lets them choose. */
export function chosenTargets(campaign: Campaign, ticked: string[] | undefined): Target[] {
  if (!campaign.chooseTargets) return campaign.targets;
  const chosen = campaign.targets.filter((t) => ticked?.includes(t.id));
  if (chosen.length < campaign.chooseTargets.min) throw new AppError('validation_failed', { fields: { targets: 'required' } });
  return chosen;
}

/** Represent's answer for the code, or unavailable for now (the letters then wait). An unknown code the supporter must fix. */
async function findLookup(deps: ComposeDeps, supporter: SupporterDetails, visitor: string | null, freshAfter: Date | null): Promise<FoundOrUnavailable> {
  const answer = await deps.representatives.find(supporter.postalCode, { visitor, freshAfter });
  if (answer.kind === 'unknown_code') throw lookupError(answer);
  return answer;
}

type FoundOrUnavailable = Extract<FinderAnswer, { kind: 'found' | 'unavailable' }>;

interface Writer {
  deps: ComposeDeps;
  campaign: Campaign;
  locale: Locale;
  supporter: SupporterDetails;
  message: string | null;
  district: string | null;
  lookup: FoundOrUnavailable | null;
  dissolved: Map<string, Legislature>;
}

/** One target's letters: a fixed person's one; an office's one per holder, or one that waits or says why there is none. */
function lettersFor(w: Writer, target: Target): NewLetter[] {
  const role = roleOf(target, w.locale);
  const spec = officeOf(target);
  if (!spec) {
    const recipient = fixedRecipient(target as Extract<Target, { kind: 'fixed' }>, w.locale);
    const rendered = renderLetter(w.deps, w.campaign, target.id, w.locale, w.supporter, w.message, recipient, null);
    const status = recipient.email ? 'queued' : 'failed';
    return [{ id: randomUUID(), targetId: target.id, recipient, role, rendered, status, reason: recipient.email ? null : NO_EMAIL_REASON, office: null }];
  }
  const legislature = legislatureOf(spec.level, w.supporter.province);
  const office = (lookedUpAt: Date | null, name: string | null = null) => ({ level: spec.level, office: name, legislature, lookedUpAt });
  const waiting = (status: 'awaiting_lookup' | 'awaiting_election' | 'skipped', reason: string | null): NewLetter[] => [
    { id: randomUUID(), targetId: target.id, recipient: null, role, rendered: null, status, reason, office: office(null) },
  ];
  const held = legislature ? w.dissolved.get(legislature) : undefined;
  if (held) return waiting('awaiting_election', heldForElection(held));
  if (!w.lookup || w.lookup.kind === 'unavailable') {
    // One waiting letter per office the target names (a mayor and a councillor are two letters),
    // so none is lost or written twice for the same holder once Represent answers.
    if (spec.level !== 'municipal') return waiting('awaiting_lookup', null);
    return (spec.offices ?? DEFAULT_MUNICIPAL_OFFICES).map((name) => ({
      id: randomUUID(), targetId: target.id, recipient: null, role, rendered: null, status: 'awaiting_lookup' as const, reason: null, office: office(null, name),
    }));
  }

  const holders = holdersFor(spec, w.lookup.lookup, w.district);
  if (holders.kind === 'choose_riding') throw lookupError(holders);
  if (holders.kind === 'none') return waiting('skipped', holders.reason);
  const lookedUpAt = new Date(w.lookup.lookup.fetchedAt);
  return holders.holders.map((holder) => {
    const plan = letterForHolder(holder, spec.agree, w.locale);
    const base = { id: randomUUID(), targetId: target.id, recipient: plan.recipient, role: plan.recipient.role, office: office(lookedUpAt, holder.office) };
    if (plan.kind === 'skip') return { ...base, rendered: null, status: 'skipped', reason: plan.reason };
    const template = plan.kind === 'thank' ? thanksTemplate(target.id) : target.id;
    const rendered = renderLetter(w.deps, w.campaign, template, w.locale, w.supporter, w.message, plan.recipient, holder.district);
    if (plan.kind === 'no_email') return { ...base, rendered, status: 'failed', reason: plan.reason };
    return { ...base, rendered, status: 'queued', reason: null };
  });
}

/** A municipal target that names no office writes to the mayor and the councillor. */
export const DEFAULT_MUNICIPAL_OFFICES = ['Mayor', 'Councillor'];

/** The renderer's name for a target's thank-you letter (campaignDefinition.ts compiles it so). */
export const thanksTemplate = (targetId: string) => `${targetId}.thanks`;

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
