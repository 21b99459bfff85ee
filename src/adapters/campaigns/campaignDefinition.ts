// A campaign's definition (API.md, *Campaign authoring*): what campaign.json holds, plus each
// target's letter template per language (`letters`) and `counterOffset`. Checked and compiled
// here, for the files at start and for the admin API alike: every problem is named by its path
// (`title.fr`, `letters.mp.en`, `targets.1.email`), a template's with its line and what is wrong.
import { checkAccent } from '../../domain/accentColour';
import { z } from 'zod';
import type { Campaign, Locale } from '../../domain/campaign';
import { DEFAULT_SENDER_NAME, LOCALES } from '../../domain/campaign';
import { LEVELS } from '../../domain/offices';
import type { LetterContext, PetitionContext } from '../../domain/letters';
import type { PostalCode } from '../../domain/postalCode';
import type { CompiledTemplate } from './letterTemplates';
import { compileText, variablesOf } from './letterTemplates';

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

/** An image uploaded through the editor (campaignImages.ts): its id, and what it shows in words. */
const image = z.object({ image: z.string().regex(/^[a-f0-9]{16}$/, 'not an uploaded image'), alt: localised });

/** The organisation's look on the action page. */
const lookSchema = z
  .object({
    accentColour: z
      .string()
      .superRefine((colour, ctx) => {
        const check = checkAccent(colour);
        if (check.ok) return;
        ctx.addIssue({
          code: 'custom',
          message:
            check.reason === 'not_a_colour'
              ? 'not a colour: write it as #rrggbb, such as #0b5394'
              : `white text on ${colour} has a contrast of ${check.ratio}:1, under the 4.5:1 people need to read it; ${check.suggestion} is the nearest colour that passes`,
        });
      })
      .nullable()
      .default(null),
    logo: image.nullable().default(null),
    hero: image.nullable().default(null),
    shareText: localised.nullable().default(null),
  })
  .default({ accentColour: null, logo: null, hero: null, shareText: null });

const fixedTarget = z.object({ id: slug, kind: z.literal('fixed'), name: z.string().min(1), role: localised, email: z.email() });

/** Officeholders who already agree: by name, riding or both. */
const agreement = z
  .object({
    who: z
      .array(
        z
          .object({ name: z.string().trim().min(1).nullable().default(null), district: z.string().trim().min(1).nullable().default(null) })
          .refine((w) => w.name !== null || w.district !== null, 'name the person, the riding, or both'),
      )
      .min(1),
    then: z.enum(['thank', 'skip']).default('thank'),
  })
  .nullable()
  .default(null);

const mpTarget = z.object({ id: slug, kind: z.literal('mp'), agree: agreement });
const officeTarget = z.object({
  id: slug,
  kind: z.literal('office'),
  level: z.enum(LEVELS),
  // Represent's elected_office values ("Mayor", "Councillor"); for federal and provincial, the level says it all.
  offices: z.array(z.string().trim().min(1).max(80)).min(1).nullable().default(null),
  agree: agreement,
});
const isFederal = (t: { kind: string; level?: string }) => t.kind === 'mp' || (t.kind === 'office' && t.level === 'federal');

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
  look: lookSchema,
};
const uniqueIds = (targets: Array<{ id: string }>) => new Set(targets.map((t) => t.id)).size === targets.length;

const campaignSchema = z
  .discriminatedUnion('kind', [
    z.object({
      ...commonFields,
      kind: z.literal('letter'),
      requireAddress: z.boolean().default(true),
      pacing: pacingSchema.nullable().default(null),
      targets: z
        .array(z.discriminatedUnion('kind', [mpTarget, officeTarget, fixedTarget]))
        .min(1)
        .refine(uniqueIds, 'target ids must be unique')
        .refine((targets) => targets.filter(isFederal).length <= 1, 'at most one MP target'),
      // The supporter ticks the targets to write to, at least `min` of them.
      chooseTargets: z.object({ min: z.number().int().min(1) }).nullable().default(null),
    }),
    z.object({
      ...commonFields,
      // A signature needs a name, a postal code and a city (for the list the organisation delivers).
      kind: z.literal('petition'),
      requireAddress: z.literal(false).default(false),
      pacing: z.null().default(null),
      // The organisation delivers the petition itself: its targets need no email.
      targets: z.array(fixedTarget.extend({ email: z.email().nullable().default(null) })).min(1).refine(uniqueIds, 'target ids must be unique'),
      chooseTargets: z.null().default(null),
    }),
  ])
  .refine((d) => !d.startsAt || !d.endsAt || Date.parse(d.startsAt) < Date.parse(d.endsAt), { message: 'startsAt must come before endsAt', path: ['endsAt'] })
  .refine((d) => !d.chooseTargets || d.chooseTargets.min <= d.targets.length, { message: 'cannot ask for more targets than the campaign has', path: ['chooseTargets', 'min'] });

const definitionSchema = campaignSchema.and(
  z.object({
    /** `{"<target id>": {"en": "…", "fr": "…"}}`; a petition's one letter is under `petition`. */
    letters: z.record(z.string(), z.object({ en: z.string().optional(), fr: z.string().optional() })),
    /** `{"<target id>": {"en": "…", "fr": "…"}}`: the thank-you letter to officeholders who already agree. */
    thanks: z.record(z.string(), z.object({ en: z.string().optional(), fr: z.string().optional() })).default({}),
    counterOffset: z.number().int().min(0).max(100_000_000).default(0),
  }),
);

export type { Definition } from '../../domain/ports';

export interface CompiledCampaign {
  campaign: Campaign;
  letters: Map<string, CompiledTemplate>; // `${targetId}.${locale}`, `${targetId}.thanks.${locale}`, or `petition.${locale}`
  subjects: Record<Locale, CompiledTemplate[]>;
}

/** A context with every field filled, to prove at start that each template renders. */
export const SAMPLE_CONTEXT: LetterContext = {
  supporter: {
    firstName: 'Sample', lastName: 'Supporter', fullName: 'Sample Supporter', email: 'sample@example.org',
    address: '1 Sample Street', city: 'Ottawa', province: 'ON', postalCode: 'K1A 0A6' as PostalCode, message: 'A sample paragraph.',
  },
  recipient: {
    name: 'Sample Recipient', role: 'Member of Parliament', district: 'Ottawa Centre', title: 'MP', salutation: 'Dear Sample Recipient,',
    office: 'MP', level: 'federal',
  },
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
  recipient: { ...SAMPLE_CONTEXT.recipient, district: null, office: null, level: null },
  supporter: { ...SAMPLE_CONTEXT.supporter, address: null, city: null, province: null, message: null },
};

/** Every value a letter template may name (`supporter.city`…), as the editor lists them. */
export const SAMPLE_VARIABLES: string[] = (function leaves(node: object, prefix: string): string[] {
  return Object.entries(node).flatMap(([key, value]) => (value && typeof value === 'object' ? leaves(value, `${prefix}${key}.`) : [`${prefix}${key}`]));
})(SAMPLE_CONTEXT, '');

/** Whether `name` (`supporter.city`) is a path of the context's own data: nothing inherited. */
export const hasPath = (context: object, name: string): boolean => {
  let node: unknown = context;
  for (const part of name.split('.')) {
    if (!node || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, part)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
};


export type Compiled = { ok: true; compiled: CompiledCampaign } | { ok: false; fields: Record<string, string> };

/** Checks and compiles a definition; every problem at once, each under its path. */
export function compileDefinition(raw: unknown, partialsDir: string): Compiled {
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join('.') || '(top)'] ??= issue.message;
    return { ok: false, fields };
  }
  const { letters: sources, thanks, counterOffset, ...definition } = parsed.data;
  const campaign: Campaign = {
    ...definition,
    counterOffset,
    startsAt: definition.startsAt ? new Date(definition.startsAt) : null,
    endsAt: definition.endsAt ? new Date(definition.endsAt) : null,
  };
  const fields: Record<string, string> = {};
  // A petition's letter and title are written once for all signers: no supporter, no recipient.
  const samples = campaign.kind === 'petition' ? [PETITION_CONTEXT] : [SAMPLE_CONTEXT, EMPTY_CONTEXT];
  const compileChecked = (at: string, locale: Locale, source: string): CompiledTemplate | null => {
    const problem = templateProblem(source, samples, partialsDir, locale);
    if (typeof problem === 'string') {
      fields[at] = problem;
      return null;
    }
    return problem;
  };

  const letters = new Map<string, CompiledTemplate>();
  const letterIds = campaign.kind === 'petition' ? ['petition'] : campaign.targets.map((t) => t.id);
  for (const id of letterIds) {
    for (const locale of campaign.locales) {
      const source = sources[id]?.[locale];
      if (source === undefined || source.trim() === '') {
        fields[`letters.${id}.${locale}`] = 'missing: every target needs its letter in every language the campaign offers';
        continue;
      }
      const template = compileChecked(`letters.${id}.${locale}`, locale, source);
      if (template) letters.set(`${id}.${locale}`, template);
    }
  }
  // Those who already agree are thanked with their own letter, which the campaign must then have.
  for (const target of campaign.targets) {
    if (target.kind === 'fixed' || target.agree?.then !== 'thank') continue;
    for (const locale of campaign.locales) {
      const source = thanks[target.id]?.[locale];
      if (source === undefined || source.trim() === '') {
        fields[`thanks.${target.id}.${locale}`] = 'missing: a target whose agreeing holders are thanked needs the thank-you letter in every language';
        continue;
      }
      const template = compileChecked(`thanks.${target.id}.${locale}`, locale, source);
      if (template) letters.set(`${target.id}.thanks.${locale}`, template);
    }
  }
  const subjects = Object.fromEntries(
    LOCALES.map((locale) => [locale, campaign.subjects[locale].map((s, i) => compileChecked(`subjects.${locale}.${i}`, locale, s))]),
  ) as Record<Locale, CompiledTemplate[]>;
  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return { ok: true, compiled: { campaign, letters, subjects } };
}

/** The template compiled, or what is wrong with it in plain words, with its line. */
function templateProblem(source: string, samples: object[], partialsDir: string, locale: Locale): CompiledTemplate | string {
  let names: string[];
  try {
    names = variablesOf(source);
  } catch (error) {
    return parseProblem((error as Error).message);
  }
  const unknown = names.filter((name) => !hasPath(samples[0], name));
  if (unknown.length > 0) {
    return unknown.map((name) => `${where(source, name)}unknown variable {{${name}}}: use one of the listed variables`).join('; ');
  }
  try {
    const template = compileText(partialsDir, locale, source);
    for (const sample of samples) template(sample);
    return template;
  } catch (error) {
    const e = error as Error & { lineNumber?: number; column?: number };
    const missing = /^"([^"]+)" not defined/.exec(e.message)?.[1] ?? /Missing helper: "([^"]+)"/.exec(e.message)?.[1];
    const helper = missing && new RegExp(`\\{\\{[#/]?${missing.replace(/[^\w-]/g, '')}\\s`).test(source) ? missing : null;
    if (helper) return `${where(source, helper)}there is no helper {{${helper}}}: letters can use {{#if}}, {{#unless}}, {{#each}} and {{#with}}`;
    if (e.lineNumber) return `line ${e.lineNumber}, column ${(e.column ?? 0) + 1}: ${e.message.replace(/ - \d+:\d+$/, '').replace(/ in \[object Object\]| in undefined/, '')}`;
    return parseProblem(e.message);
  }
}

/** Handlebars' parser messages, in words a campaigner can act on. */
function parseProblem(message: string): string {
  const line = /on line (\d+)/.exec(message)?.[1];
  const at = line ? `line ${line}: ` : '';
  if (/got 'EOF'/.test(message)) return `${at}a block ({{#if}}, {{#each}}, {{#unless}}) is not closed before the end of the template`;
  if (/doesn't match/.test(message)) return `${at}${message.split('\n')[0].replace(/^.*?: /, '')}: a block is closed with another name than it was opened with`;
  return `${at}this is not valid Handlebars here: a {{ without its }}, or a stray {{/…}}`;
}

/** "line 3, column 9: " where `{{name` first appears, or nothing. */
function where(source: string, name: string): string {
  const lines = source.split('\n');
  for (const [i, text] of lines.entries()) {
    const column = text.indexOf(name);
    if (column >= 0) return `line ${i + 1}, column ${column + 1}: `;
  }
  return '';
}
