// A supporter acts: check what they typed, find their MP, write one letter per target, store
// everything in one transaction (the outbox), then queue the letters. Queueing may fail (Redis
// down): the rows are already stored and the sweeper queues them later, so the answer stays 202.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Campaign, CampaignCatalog, Locale, Target } from './campaign';
import { pickLocale, roleOf } from './campaign';
import { invalidPostalCode } from './campaignView';
import { AppError, type FieldProblem } from './errors';
import type { LetterRenderer, Recipient, SupporterDetails } from './letters';
import { fixedRecipient, letterContext } from './letters';
import { normalisePostalCode, provinceOf } from './postalCode';
import type { ActionStore, Clock, ConsentRecord, LetterQueue, Log, NewLetter, StoredAction } from './ports';
import type { Representative, RepresentativeFinder } from './representatives';
import { chooseRepresentative } from './representatives';

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

/** Where the action came from, kept with the consent record. */
export interface Origin {
  ip: string | null;
  userAgent: string | null;
  pageUrl: string | null;
}

export interface SubmitDeps {
  campaigns: CampaignCatalog;
  representatives: RepresentativeFinder;
  renderer: LetterRenderer;
  actions: ActionStore;
  queue: LetterQueue;
  clock: Clock;
  log: Log;
  pickSubject: (count: number) => number;
}

export interface SubmitResult {
  /** False when this email had already acted on the campaign: `action` is that first one. */
  created: boolean;
  action: StoredAction;
}

type MpOutcome = { kind: 'found'; mp: Representative } | { kind: 'pending' };

export async function submitAction(deps: SubmitDeps, slug: string, input: ActionInput, origin: Origin): Promise<SubmitResult> {
  const campaign = deps.campaigns.get(slug);
  if (campaign.status !== 'open') {
    throw new AppError('campaign_closed', 'This campaign is not accepting new letters.');
  }
  const locale = pickLocale(campaign, input.locale);
  const supporter = checkSupporter(campaign, input);

  const earlier = await deps.actions.findByEmail(slug, supporter.email);
  if (earlier) return { created: false, action: earlier };

  const mp = campaign.targets.some((t) => t.kind === 'mp')
    ? await findMp(deps.representatives, supporter.postalCode, input.district)
    : null;
  const message = input.message?.trim() || null;
  const letters = campaign.targets.map((target) => writeLetter(deps, campaign, target, locale, supporter, message, mp));

  const action = await deps.actions.create({
    id: randomUUID(),
    token: randomBytes(24).toString('base64url'),
    campaignSlug: slug,
    locale,
    supporter,
    message,
    district: mp?.kind === 'found' ? mp.mp.district : input.district?.trim() || null,
    consents: consentRecords(campaign, locale, input, origin),
    letters,
  });
  if (!action) {
    // A twin request with the same email committed first: answer with its action.
    const twin = await deps.actions.findByEmail(slug, supporter.email);
    if (twin) return { created: false, action: twin };
    throw new AppError('unavailable', 'The action could not be stored. Please try again.');
  }

  await queueLetters(deps, letters);
  return { created: true, action };
}

function checkSupporter(campaign: Campaign, input: ActionInput): SupporterDetails {
  const fields: Record<string, FieldProblem> = {};
  const postalCode = normalisePostalCode(input.postalCode);
  const address = input.address?.trim() || null;
  const city = input.city?.trim() || null;
  if (campaign.requireAddress && !address) fields.address = 'required';
  if (campaign.requireAddress && !city) fields.city = 'required';
  if (Object.keys(fields).length > 0) {
    if (!postalCode) fields.postalCode = 'invalid';
    throw new AppError('validation_failed', 'Some fields need your attention.', { fields });
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

async function findMp(finder: RepresentativeFinder, postalCode: string, district: string | undefined): Promise<MpOutcome> {
  try {
    const lookup = await finder.find(postalCode);
    return { kind: 'found', mp: chooseRepresentative(lookup, district) };
  } catch (error) {
    // Represent is down or over its limit: accept now, find the MP later (the `lookups` queue).
    if (error instanceof AppError && error.code === 'lookup_unavailable') return { kind: 'pending' };
    throw error;
  }
}

function writeLetter(
  deps: SubmitDeps,
  campaign: Campaign,
  target: Target,
  locale: Locale,
  supporter: SupporterDetails,
  message: string | null,
  mp: MpOutcome | null,
): NewLetter {
  const id = randomUUID();
  const role = roleOf(target, locale);
  if (target.kind === 'mp' && mp?.kind !== 'found') {
    return { id, targetId: target.id, recipient: null, role, rendered: null, status: 'awaiting_lookup', reason: null };
  }
  const riding = mp?.kind === 'found' ? mp.mp.district : null;
  const recipient: Recipient =
    target.kind === 'mp' && mp?.kind === 'found'
      ? { name: mp.mp.name, role, district: mp.mp.district, email: mp.mp.email }
      : fixedRecipient(target as Extract<Target, { kind: 'fixed' }>, locale);
  const rendered = renderLetter(deps, campaign, target.id, locale, supporter, message, recipient, riding);
  if (!recipient.email) {
    return { id, targetId: target.id, recipient, role, rendered, status: 'failed', reason: 'Represent lists no email address for this MP.' };
  }
  return { id, targetId: target.id, recipient, role, rendered, status: 'queued', reason: null };
}

export function renderLetter(
  deps: Pick<SubmitDeps, 'renderer' | 'clock' | 'pickSubject'>,
  campaign: Campaign,
  targetId: string,
  locale: Locale,
  supporter: SupporterDetails,
  message: string | null,
  recipient: Recipient,
  riding: string | null,
) {
  const context = letterContext({ campaign, locale, supporter, message, recipient, riding, now: deps.clock.now() });
  return deps.renderer.render(campaign, targetId, locale, context, deps.pickSubject(campaign.subjects[locale].length));
}

function consentRecords(campaign: Campaign, locale: Locale, input: ActionInput, origin: Origin): ConsentRecord[] {
  const shown = { locale, pageUrl: origin.pageUrl, ip: origin.ip, userAgent: origin.userAgent };
  return [
    { purpose: 'send_letter', granted: true, wording: campaign.sendNotice[locale], ...shown },
    { purpose: 'updates', granted: input.consent?.updates === true, wording: campaign.updatesConsent[locale], ...shown },
  ];
}

async function queueLetters(deps: SubmitDeps, letters: NewLetter[]): Promise<void> {
  const byStatus = (status: NewLetter['status']) => letters.filter((l) => l.status === status).map((l) => l.id);
  try {
    await deps.queue.enqueueDeliveries(byStatus('queued'));
    await deps.queue.enqueueLookups(byStatus('awaiting_lookup'));
  } catch (error) {
    // Stored is what matters: the sweeper queues letters that sit without a job.
    deps.log.warn({ err: error, letterIds: letters.map((l) => l.id) }, 'could not queue letters now; the sweeper will');
  }
}
