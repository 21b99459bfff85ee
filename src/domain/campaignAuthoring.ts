// Campaigners write their campaigns: a draft is created or changed (checked on every save),
// previewed exactly as offices would receive it, and published as a new immutable version that
// every process serves within seconds. Letters already written keep their words: each stores its
// subject and text when it is written.
import type { Campaign, Locale } from './campaign';
import { checkSupporter, composeLetters, type ActionInput, type ComposeDeps } from './composeLetters';
import { AppError } from './errors';
import { definitionChanges } from './definitionChanges';
import type { AuditLog, CampaignCatalog, CampaignDefinitions, CampaignStates, Clock, Definition, DefinitionChecker, RepresentativeFinder } from './ports';

export interface AuthoringDeps {
  definitions: CampaignDefinitions;
  checker: DefinitionChecker;
  catalog: CampaignCatalog;
  states: CampaignStates;
  /** Loads what was just published into this process (the others look every few seconds). */
  refresh(): Promise<void>;
  /** Preview: the supporter's MP, as a submission would find them. */
  representatives: RepresentativeFinder;
  legislatures: ComposeDeps['legislatures'];
  clock: Clock;
  /** Turns a letter's text into the HTML that is sent (the mail adapter's). */
  html: (text: string, locale: Locale) => string;
  audit: AuditLog;
}

export interface CampaignSummary {
  slug: string;
  kind: string | null;
  status: string | null;
  publishedVersion: number | null;
  hasDraft: boolean;
  actions: number;
}

export async function listCampaigns(deps: AuthoringDeps): Promise<CampaignSummary[]> {
  const summaries = await deps.definitions.summaries();
  return Promise.all(
    summaries.map(async (s) => {
      const live = s.publishedVersion ? deps.catalog.list().find((c) => c.slug === s.slug) : undefined;
      return { ...s, kind: live?.kind ?? null, status: live ? (await deps.states.of(live)).status : null };
    }),
  );
}

/** A new campaign, as a draft: 409 `slug_taken` when any campaign has the slug. */
export async function createCampaign(deps: AuthoringDeps, definition: unknown, by: string): Promise<{ slug: string; draft: true }> {
  const { slug } = checked(deps, definition);
  if (!(await deps.definitions.createDraft(slug, definition as Definition, by))) throw new AppError('slug_taken');
  await deps.audit.record({ actor: by, action: 'create', campaignSlug: slug, detail: {} });
  return { slug, draft: true };
}

/** Replaces a campaign's draft (a published campaign gets one): the slug stays the campaign's. */
export async function saveDraft(deps: AuthoringDeps, slug: string, definition: unknown, by: string, expectedRevision?: string | null): Promise<{ slug: string; draft: true }> {
  await existing(deps, slug);
  const campaign = checked(deps, definition);
  if (campaign.slug !== slug) throw new AppError('validation_failed', { problems: { slug: `must stay "${slug}": copy the campaign to give it another address` } });
  // The editor says which draft it started from: someone else's save since then is not overwritten.
  if (!(await deps.definitions.saveDraft(slug, definition as Definition, by, expectedRevision))) throw new AppError('draft_changed');
  return { slug, draft: true };
}

/** The draft becomes the next version; 409 `nothing_to_publish` without a draft. */
export async function publishCampaign(deps: AuthoringDeps, slug: string, by: string): Promise<{ slug: string; version: number }> {
  await existing(deps, slug);
  const draft = await deps.definitions.draft(slug);
  if (!draft) throw new AppError('nothing_to_publish');
  checked(deps, draft); // a template helper may have gone since it was saved
  const before = (await deps.definitions.version(slug, 'latest'))?.definition ?? {};
  const version = await deps.definitions.publish(slug, draft, by);
  await deps.audit.record({ actor: by, action: 'publish', campaignSlug: slug, detail: { version, changes: definitionChanges(before, draft) } });
  await deps.refresh();
  return { slug, version };
}

/** A new campaign (a draft) from another's draft, or its published version when it has none. */
export async function copyCampaign(deps: AuthoringDeps, from: string, to: unknown, by: string): Promise<{ slug: string; draft: true }> {
  await existing(deps, from);
  const source = (await deps.definitions.draft(from)) ?? (await deps.definitions.version(from, 'latest'))?.definition;
  if (!source) throw new AppError('campaign_not_found');
  const created = await createCampaign(deps, { ...source, slug: to }, by);
  await deps.audit.record({ actor: by, action: 'copy', campaignSlug: from, detail: { to: created.slug } });
  return created;
}

/** Publishes an earlier version's definition again, as the next version; a draft being edited stays. */
export async function rollBackCampaign(deps: AuthoringDeps, slug: string, to: unknown, by: string): Promise<{ slug: string; version: number }> {
  await existing(deps, slug);
  const earlier = Number.isInteger(to) && (to as number) > 0 ? await deps.definitions.version(slug, to as number) : null;
  if (!earlier) throw new AppError('validation_failed', { problems: { version: 'a version this campaign has published' } });
  checked(deps, earlier.definition);
  const version = await deps.definitions.publish(slug, earlier.definition, `${by} (back to version ${earlier.version})`, { keepDraft: true });
  await deps.audit.record({ actor: by, action: 'rollback', campaignSlug: slug, detail: { version, to: earlier.version } });
  await deps.refresh();
  return { slug, version };
}

export async function campaignVersions(deps: AuthoringDeps, slug: string) {
  await existing(deps, slug);
  const versions = await deps.definitions.versions(slug);
  return versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt.toISOString(), publishedBy: v.publishedBy }));
}

export interface PreviewedLetter {
  targetId: string;
  recipient: { name: string | null; role: string; district?: string };
  subject: string | null;
  text: string | null;
  html: string | null;
}

/** A sample supporter the campaigner can change: in Toronto, whose MP the fixtures and the cache know. */
export const SAMPLE_SUPPORTER: ActionInput = {
  firstName: 'Mei',
  lastName: 'Tursun',
  email: 'mei.tursun@example.org',
  postalCode: 'M5V 3L9',
  address: '12 Front Street West',
  city: 'Toronto',
  message: 'My cousin in Ürümqi has not answered a call since 2019.',
};

/** The draft (or a version) rendered for a sample supporter, each letter exactly as it would be sent. */
export async function previewCampaign(
  deps: AuthoringDeps,
  slug: string,
  request: { version?: unknown; supporter?: unknown },
): Promise<{ letters: PreviewedLetter[] }> {
  await existing(deps, slug);
  const which = request.version ?? 'draft';
  const definition =
    which === 'draft'
      ? ((await deps.definitions.draft(slug)) ?? (await deps.definitions.version(slug, 'latest'))?.definition)
      : Number.isInteger(which) && (which as number) > 0
        ? (await deps.definitions.version(slug, which as number))?.definition
        : badVersion();
  if (!definition) throw new AppError('not_found');
  const result = deps.checker.check(definition);
  if (!result.ok) throw new AppError('validation_failed', { problems: result.problems });
  const campaign: Campaign = { ...result.campaign, status: 'open', startsAt: null, endsAt: null };
  const input = { ...SAMPLE_SUPPORTER, ...sampleOf(request.supporter) };
  const locale: Locale = (campaign.locales as string[]).includes(input.locale ?? '') ? (input.locale as Locale) : campaign.locales[0];
  const compose: ComposeDeps = {
    campaigns: { get: () => campaign, list: () => [campaign] },
    states: { of: async () => ({ status: 'open', cause: 'definition', since: null }) },
    representatives: deps.representatives,
    renderer: result.renderer,
    clock: deps.clock,
    legislatures: deps.legislatures,
  };
  if (campaign.kind === 'petition') {
    const petition = result.renderer.renderPetition(campaign, locale, { campaign: { title: campaign.title[locale] }, organisation: { name: campaign.organisation.name[locale] }, date: '' });
    return { letters: [{ targetId: 'petition', recipient: { name: null, role: campaign.targets.map((t) => ('name' in t ? t.name : t.id)).join(', ') }, subject: petition.subject, text: petition.text, html: petition.html }] };
  }
  const supporter = checkSupporter(campaign, { ...input, locale });
  // Every target, as if the supporter ticked them all.
  const { letters } = await composeLetters(compose, campaign, supporter, { ...input, locale, targets: campaign.targets.map((t) => t.id) }, null);
  return {
    letters: letters.map((l) => ({
      targetId: l.targetId,
      recipient: { name: l.recipient?.name ?? null, role: l.role, ...(l.recipient?.district ? { district: l.recipient.district } : {}) },
      subject: l.rendered?.subject ?? null,
      text: l.rendered?.text ?? null,
      html: l.rendered ? deps.html(l.rendered.text, locale) : null,
    })),
  };
}

function badVersion(): never {
  throw new AppError('validation_failed', { problems: { version: 'a published version number, or "draft"' } });
}

/** The sample supporter's fields a campaigner changed (strings only; the rest stays the sample's). */
function sampleOf(raw: unknown): Partial<ActionInput> {
  if (!raw || typeof raw !== 'object') return {};
  const out: Record<string, string> = {};
  for (const key of ['firstName', 'lastName', 'email', 'postalCode', 'address', 'city', 'message', 'locale'] as const) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string' && value.length <= 2000) out[key] = value;
  }
  return out as Partial<ActionInput>;
}

function checked(deps: AuthoringDeps, definition: unknown): Campaign {
  const result = deps.checker.check(definition);
  if (!result.ok) throw new AppError('validation_failed', { problems: result.problems });
  return result.campaign;
}

async function existing(deps: AuthoringDeps, slug: string): Promise<void> {
  const known = deps.catalog.list().some((c) => c.slug === slug) || (await deps.definitions.draft(slug)) !== null || (await deps.definitions.version(slug, 'latest')) !== null;
  if (!known) throw new AppError('campaign_not_found');
}
