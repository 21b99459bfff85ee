// Campaigns are folders under CAMPAIGNS_DIR: campaign.json plus letters/<target>.<locale>.hbs.
// Everything is read, validated and compiled once at start; a mistake stops start-up with a
// message naming the file and the problem, rather than surfacing in a supporter's letter.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Campaign, Locale } from '../../domain/campaign';
import { DEFAULT_SENDER_NAME, LOCALES } from '../../domain/campaign';
import { AppError } from '../../domain/errors';
import type { LetterContext, PetitionContext } from '../../domain/letters';
import type { CompiledTemplate } from './letterTemplates';
import { compileText, partialsOf, textToHtml, tidyText, variablesOf } from './letterTemplates';
import type { CampaignCatalog, LetterRenderer } from '../../domain/ports';
import type { PostalCode } from '../../domain/postalCode';

export class CampaignError extends Error {}

const localised = z.object({ en: z.string().min(1), fr: z.string().min(1) });
// Only {supporter} and {organisation} are filled in; anything else in braces is a typo.
const senderNameText = z
  .string()
  .min(1)
  .max(120)
  .refine((text) => (text.match(/\{[^}]*\}/g) ?? []).every((p) => p === '{supporter}' || p === '{organisation}'), 'only {supporter} and {organisation} can be filled in');
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00');

const pacingSchema = z.object({
  perTargetPerHour: z.number().int().min(1).max(3600),
  officeHours: z
    .object({
      timezone: z.string().default('America/Toronto').refine(isTimeZone, 'an IANA time zone such as America/Toronto'),
      days: z.array(z.number().int().min(1).max(7)).min(1).default([1, 2, 3, 4, 5]),
      start: clock.default('09:00'),
      end: clock.default('17:00'),
    })
    .refine((hours) => hours.start < hours.end, 'start must come before end')
    .nullable()
    .default(null),
});

const fixedTarget = z.object({ id: slug, kind: z.literal('fixed'), name: z.string().min(1), role: localised, email: z.email() });

const commonFields = {
  slug,
  status: z.enum(['open', 'paused', 'closed']),
  startsAt: z.iso.datetime({ offset: true }).nullable().default(null),
  endsAt: z.iso.datetime({ offset: true }).nullable().default(null),
  goal: z.number().int().positive().nullable().default(null),
  locales: z.array(z.enum(LOCALES)).min(1),
  confirm: z.boolean().default(false),
  retentionDays: z.number().int().positive().nullable().default(null),
  organisation: z.object({ name: localised, email: z.email(), address: z.string().min(1) }),
  senderName: z
    .object({ en: senderNameText, fr: senderNameText })
    .default(DEFAULT_SENDER_NAME),
  title: localised,
  summary: localised,
  contentWarning: localised.nullable().default(null),
  body: z.object({ en: z.array(z.string().min(1)).min(1), fr: z.array(z.string().min(1)).min(1) }),
  sendNotice: localised,
  updatesConsent: localised,
  subjects: z.object({ en: z.array(z.string().min(1)).min(1), fr: z.array(z.string().min(1)).min(1) }),
};
const uniqueIds = (targets: Array<{ id: string }>) => new Set(targets.map((t) => t.id)).size === targets.length;

const definitionSchema = z
  .discriminatedUnion('kind', [
    z.object({
      ...commonFields,
      kind: z.literal('letter'),
      requireAddress: z.boolean().default(true),
      pacing: pacingSchema.nullable().default(null),
      targets: z
        .array(z.discriminatedUnion('kind', [z.object({ id: slug, kind: z.literal('mp') }), fixedTarget]))
        .min(1)
        .refine(uniqueIds, 'target ids must be unique')
        .refine((targets) => targets.filter((t) => t.kind === 'mp').length <= 1, 'at most one MP target'),
    }),
    z.object({
      ...commonFields,
      // A signature needs a name, a postal code and a city (for the list the organisation delivers).
      kind: z.literal('petition'),
      requireAddress: z.literal(false).default(false),
      pacing: z.null().default(null),
      // The organisation delivers the petition itself: its targets need no email.
      targets: z.array(fixedTarget.extend({ email: z.email().nullable().default(null) })).min(1).refine(uniqueIds, 'target ids must be unique'),
    }),
  ])
  .refine((d) => !d.startsAt || !d.endsAt || Date.parse(d.startsAt) < Date.parse(d.endsAt), { message: 'startsAt must come before endsAt', path: ['endsAt'] });

interface CompiledCampaign {
  campaign: Campaign;
  letters: Map<string, CompiledTemplate>; // `${targetId}.${locale}`, or `petition.${locale}`
  subjects: Record<Locale, CompiledTemplate[]>;
}

/** A context with every field filled, to prove at start that each template renders. */
export const SAMPLE_CONTEXT: LetterContext = {
  supporter: {
    firstName: 'Sample', lastName: 'Supporter', fullName: 'Sample Supporter', email: 'sample@example.org',
    address: '1 Sample Street', city: 'Ottawa', province: 'ON', postalCode: 'K1A 0A6' as PostalCode, message: 'A sample paragraph.',
  },
  recipient: { name: 'Sample Recipient', role: 'Member of Parliament', district: 'Ottawa Centre' },
  riding: 'Ottawa Centre',
  campaign: { title: 'Sample' },
  organisation: { name: 'Sample Organisation' },
  date: 'January 1, 2030',
};

/** What a petition's letter may use. */
const PETITION_CONTEXT: PetitionContext = {
  campaign: { title: 'Sample' },
  organisation: { name: 'Sample Organisation' },
  date: 'January 1, 2030',
};

/** The same with every optional value missing. */
const EMPTY_CONTEXT: LetterContext = {
  ...SAMPLE_CONTEXT,
  riding: null,
  supporter: { ...SAMPLE_CONTEXT.supporter, address: null, city: null, province: null, message: null },
};

const hasPath = (context: object, name: string): boolean => {
  let node: unknown = context;
  for (const part of name.split('.')) {
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
};

function compileCampaign(folder: string, partialsDir: string): CompiledCampaign {
  const file = path.join(folder, 'campaign.json');
  const fail = (problem: string): never => {
    throw new CampaignError(`Campaign ${file}: ${problem}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot be read as JSON (${(error as Error).message})`);
  }
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success) {
    fail(parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; '));
  }
  const definition = parsed.data!;
  const campaign: Campaign = {
    ...definition,
    startsAt: definition.startsAt ? new Date(definition.startsAt) : null,
    endsAt: definition.endsAt ? new Date(definition.endsAt) : null,
  };
  if (campaign.slug !== path.basename(folder)) fail(`slug "${campaign.slug}" must match its folder name "${path.basename(folder)}"`);

  // A petition's letter and title are written once for all signers: no supporter, no recipient.
  const samples = campaign.kind === 'petition' ? [PETITION_CONTEXT] : [SAMPLE_CONTEXT, EMPTY_CONTEXT];
  const compileChecked = (what: string, locale: Locale, source: string): CompiledTemplate => {
    try {
      const unknown = variablesOf(source).filter((name) => !hasPath(samples[0], name));
      if (unknown.length > 0) throw new Error(`unknown variable ${unknown.map((n) => `{{${n}}}`).join(', ')}`);
      const template = compileText(partialsDir, locale, source);
      for (const sample of samples) template(sample);
      return template;
    } catch (error) {
      return fail(`${what}: ${(error as Error).message.split('\n')[0]}`);
    }
  };

  const letters = new Map<string, CompiledTemplate>();
  const letterIds = campaign.kind === 'petition' ? ['petition'] : campaign.targets.map((t) => t.id);
  for (const target of letterIds.map((id) => ({ id }))) {
    for (const locale of campaign.locales) {
      const templateFile = path.join(folder, 'letters', `${target.id}.${locale}.hbs`);
      if (!fs.existsSync(templateFile)) fail(`missing letter template letters/${target.id}.${locale}.hbs`);
      letters.set(`${target.id}.${locale}`, compileChecked(`letters/${target.id}.${locale}.hbs`, locale, fs.readFileSync(templateFile, 'utf8')));
    }
  }
  const subjects = Object.fromEntries(
    LOCALES.map((locale) => [locale, campaign.subjects[locale].map((s, i) => compileChecked(`subjects.${locale}[${i}]`, locale, s))]),
  ) as Record<Locale, CompiledTemplate[]>;
  return { campaign, letters, subjects };
}

export interface LoadedCampaigns {
  catalog: CampaignCatalog;
  renderer: LetterRenderer;
}

export function loadCampaigns(campaignsDir: string, partialsDir: string): LoadedCampaigns {
  if (!fs.existsSync(campaignsDir)) throw new CampaignError(`Campaigns folder ${campaignsDir} does not exist (CAMPAIGNS_DIR).`);
  const compiled = new Map<string, CompiledCampaign>();
  for (const entry of fs.readdirSync(campaignsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const one = compileCampaign(path.join(campaignsDir, entry.name), partialsDir);
    compiled.set(one.campaign.slug, one);
  }
  for (const locale of LOCALES) {
    for (const partial of partialsOf(partialsDir, locale)) {
      const unknown = variablesOf(partial.source).filter((name) => !hasPath(SAMPLE_CONTEXT, name));
      if (unknown.length > 0) throw new CampaignError(`Letter part ${partial.file}: unknown variable ${unknown.map((n) => `{{${n}}}`).join(', ')}`);
    }
  }
  if (compiled.size === 0) throw new CampaignError(`No campaign found in ${campaignsDir}: add a folder with a campaign.json.`);

  const find = (slug: string): CompiledCampaign => {
    const one = compiled.get(slug);
    if (!one) throw new AppError('campaign_not_found');
    return one;
  };

  return {
    catalog: {
      get: (slug) => find(slug).campaign,
      list: () => [...compiled.values()].map((c) => c.campaign),
    },
    renderer: {
      render(campaign, targetId, locale, context, subjectIndex) {
        const one = find(campaign.slug);
        const letter = one.letters.get(`${targetId}.${locale}`);
        if (!letter) throw new Error(`No letter template for ${campaign.slug}/${targetId}.${locale}`);
        const subjects = one.subjects[locale];
        return {
          // One line: a stray newline in a subject would break the mail header.
          subject: tidyText(subjects[subjectIndex % subjects.length](context)).replace(/\s+/g, ' '),
          text: tidyText(letter(context)),
        };
      },
      renderPetition(campaign, locale, context) {
        const one = find(campaign.slug);
        const letter = one.letters.get(`petition.${locale}`);
        if (!letter) throw new Error(`No petition letter for ${campaign.slug}.${locale}`);
        const text = tidyText(letter(context));
        return { subject: tidyText(one.subjects[locale][0](context)).replace(/\s+/g, ' '), text, html: textToHtml(text, locale) };
      },
    },
  };
}
