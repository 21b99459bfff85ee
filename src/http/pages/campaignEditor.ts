// The campaign editor on the dashboard: a campaign's draft (or its published version) as a form,
// both languages side by side, each letter template with the variables it may use beside it.
// Save keeps a draft (every problem shown at its field), Preview shows each letter exactly as an
// office would receive it for a sample supporter, Publish makes the draft the next version.
// Copy makes a new campaign from one.
import multer from 'multer';
import { MAX_UPLOAD_BYTES, type CampaignImages } from '../../adapters/campaigns/campaignImages';
import express, { Router, type Request } from 'express';
import { LOCALES, type Locale } from '../../domain/campaign';
import { copyCampaign, previewCampaign, publishCampaign, saveDraft, type AuthoringDeps, type PreviewedLetter } from '../../domain/campaignAuthoring';
import { AppError } from '../../domain/errors';
import type { Definition } from '../../domain/ports';
import type { PageRenderer } from '../../adapters/pages';
import { capitalised, fill } from '../../i18n';
import { officeLabel, type Level } from '../../domain/offices';
import { actor, allow, campaignerOf, type Sessions } from '../adminAuth';
import { demand, may } from '../../domain/permissions';
import { param } from '../requestParts';
import { adminLayout, adminLocale, askedLang, langParams, sessionOf } from './adminLayout';
import { homeUrl } from './dashboardHome';
import { sendPage } from './layout';

export interface EditorDeps {
  renderer: PageRenderer;
  sessions: Sessions;
  authoring: AuthoringDeps;
  /** The look's uploaded images. */
  images: CampaignImages;
}

type Text = Record<string, string>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function campaignEditor(deps: EditorDeps, form: express.RequestHandler): Router {
  const router = Router();
  const big = express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 500 });

  router.get('/admin/campaigns/:slug/edit', allow('draft'), async (req, res) => {
    const slug = param(req.params.slug);
    const definition = await current(deps, slug);
    const revision = await deps.authoring.definitions.draftRevision(slug);
    sendPage(res, 200, page(deps, req, slug, definition, { saved: req.query.saved === '1', uploaded: req.query.uploaded === '1', revision }));
  });

  router.post('/admin/campaigns/:slug/edit', allow('draft'), big, deps.sessions.requireCsrf, async (req, res) => {
    const slug = param(req.params.slug);
    const body = req.body as Record<string, string>;
    if (body.action === 'publish') demand(campaignerOf(req), 'publish');
    const definition = applyForm(await current(deps, slug), body);
    // The draft this form was opened on ('' when it was opened on the published version).
    const expected = body.revision ? body.revision : null;
    try {
      await saveDraft(deps.authoring, slug, definition, actor(req), expected);
      if (body.action === 'publish') {
        const { version } = await publishCampaign(deps.authoring, slug, actor(req));
        return res.redirect(303, `${homeUrl(slug, askedLang(req))}&published=${version}`);
      }
      if (body.action === 'preview') {
        const sample = { postalCode: body['sample.postalCode'], city: body['sample.city'], locale: body['sample.locale'] };
        const { letters } = await previewCampaign(deps.authoring, slug, { version: 'draft', supporter: sample });
        const revision = await deps.authoring.definitions.draftRevision(slug);
        return sendPage(res, 200, page(deps, req, slug, definition, { preview: letters, sample, revision }));
      }
      res.redirect(303, `/admin/campaigns/${encodeURIComponent(slug)}/edit?saved=1${askedLang(req) ? `&lang=${askedLang(req)}` : ''}`);
    } catch (error) {
      if (!(error instanceof AppError) || !['validation_failed', 'invalid_postal_code', 'postal_code_not_found', 'district_required', 'draft_changed'].includes(error.code)) throw error;
      const t = (deps.renderer.text(adminLocale(req)).admin as { editor: Text }).editor;
      // Someone saved the draft meanwhile: what this campaigner typed is shown, not saved.
      if (error.code === 'draft_changed') return sendPage(res, 409, page(deps, req, slug, definition, { problems: { draft: t.draftChanged }, revision: expected }));
      const problems = error.details.problems ?? Object.fromEntries(Object.keys(error.details.fields ?? {}).map((f) => [`sample.${f}`, 'not a postal code Represent knows']));
      sendPage(res, 400, page(deps, req, slug, definition, { problems, revision: expected }));
    }
  });

  // An image for the look: stored resized, then put in the draft with its alt texts (checked with
  // the rest of the definition when saved: a missing alt text is refused at its field).
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 } }).single('image');
  router.post('/admin/campaigns/:slug/images', allow('draft'), upload, deps.sessions.requireCsrf, async (req, res) => {
    const slug = param(req.params.slug);
    const body = req.body as Record<string, string>;
    const slot = body.slot === 'logo' ? 'logo' : 'hero';
    const definition = await current(deps, slug);
    const revision = await deps.authoring.definitions.draftRevision(slug);
    const t = (deps.renderer.text(adminLocale(req)).admin as { editor: Text }).editor;
    if (!req.file) return sendPage(res, 400, page(deps, req, slug, definition, { problems: { [`look.${slot}.image`]: t.noFile }, revision }));
    try {
      const { id } = await deps.images.store(req.file.buffer, actor(req));
      definition.look = { accentColour: null, logo: null, hero: null, shareText: null, ...(definition.look ?? {}), [slot]: { image: id, alt: { en: (body['alt.en'] ?? '').trim(), fr: (body['alt.fr'] ?? '').trim() } } };
      await saveDraft(deps.authoring, slug, definition, actor(req), revision);
      res.redirect(303, `/admin/campaigns/${encodeURIComponent(slug)}/edit?uploaded=1${askedLang(req) ? `&lang=${askedLang(req)}` : ''}`);
    } catch (error) {
      if (!(error instanceof AppError) || !['validation_failed', 'draft_changed'].includes(error.code)) throw error;
      const problems = error.details.problems ?? { [`look.${slot}.image`]: t.notAPicture };
      sendPage(res, 400, page(deps, req, slug, definition, { problems, revision }));
    }
  });

  router.post('/admin/campaigns/:slug/copy', allow('draft'), form, deps.sessions.requireCsrf, async (req, res) => {
    const to = String((req.body as { slug?: unknown }).slug ?? '').trim();
    try {
      await copyCampaign(deps.authoring, param(req.params.slug), to, actor(req));
      res.redirect(303, `/admin/campaigns/${encodeURIComponent(to)}/edit${askedLang(req) ? `?lang=${askedLang(req)}` : ''}`);
    } catch (error) {
      if (!(error instanceof AppError) || !['validation_failed', 'slug_taken'].includes(error.code)) throw error;
      res.redirect(303, `${homeUrl(param(req.params.slug), askedLang(req))}&copy=${error.code === 'slug_taken' ? 'taken' : 'invalid'}`);
    }
  });
  return router;
}

/** The draft being edited, or the published version when there is none. */
async function current(deps: EditorDeps, slug: string): Promise<Json> {
  const { definitions } = deps.authoring;
  const definition = (await definitions.draft(slug)) ?? (await definitions.version(slug, 'latest'))?.definition;
  if (!definition) throw new AppError('campaign_not_found');
  return structuredClone(definition) as Json;
}

const lines = (text: string | undefined) => (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const paragraphs = (text: string | undefined) => (text ?? '').split(/\r?\n\s*\r?\n/).map((p) => p.replace(/\s*\r?\n\s*/g, ' ').trim()).filter(Boolean);
const count = (text: string | undefined): number | null | string => {
  const t = (text ?? '').trim();
  if (t === '') return null;
  return /^\d+$/.test(t) ? Number(t) : t; // left as typed: the check names it
};

/** The definition with what the form changed; what the form does not show stays as it was. */
function applyForm(definition: Json, body: Record<string, string>): Definition {
  for (const locale of LOCALES) {
    for (const field of ['title', 'summary', 'sendNotice', 'updatesConsent'] as const) {
      if (`${field}.${locale}` in body) definition[field] = { ...definition[field], [locale]: body[`${field}.${locale}`].trim() };
    }
    if (`body.${locale}` in body) definition.body = { ...definition.body, [locale]: paragraphs(body[`body.${locale}`]) };
    if (`subjects.${locale}` in body) definition.subjects = { ...definition.subjects, [locale]: lines(body[`subjects.${locale}`]) };
  }
  if ('goal' in body) definition.goal = count(body.goal);
  if ('counterOffset' in body) definition.counterOffset = count(body.counterOffset) ?? 0;
  if ('chooseTargets' in body) {
    const min = count(body.chooseTargets);
    definition.chooseTargets = min === null || min === 0 ? null : { min };
  }
  for (const [i, target] of ((definition.targets ?? []) as Json[]).entries()) {
    if (`targets.${i}.agreeWho` in body) {
      // One holder a line: "Name", "Name | Riding" or "| Riding".
      const who = lines(body[`targets.${i}.agreeWho`]).map((line) => {
        const [name, district] = line.split('|').map((part) => part.trim() || null);
        return { name: name ?? null, district: district ?? null };
      });
      target.agree = who.length > 0 ? { who, then: body[`targets.${i}.agreeThen`] === 'skip' ? 'skip' : 'thank' } : null;
    }
    if (target.kind !== 'fixed') continue;
    if (`targets.${i}.name` in body) target.name = body[`targets.${i}.name`].trim();
    if (`targets.${i}.email` in body) target.email = body[`targets.${i}.email`].trim() || (definition.kind === 'petition' ? null : '');
    for (const locale of LOCALES) if (`targets.${i}.role.${locale}` in body) target.role = { ...target.role, [locale]: body[`targets.${i}.role.${locale}`].trim() };
  }
  const letters = (definition.letters ?? {}) as Json;
  for (const key of Object.keys(body)) {
    const match = /^letters\.([a-z0-9-]+)\.(en|fr)$/.exec(key);
    if (match) letters[match[1]] = { ...letters[match[1]], [match[2]]: body[key].replace(/\r\n/g, '\n') };
  }
  definition.letters = letters;
  const thanks = (definition.thanks ?? {}) as Json;
  for (const key of Object.keys(body)) {
    const match = /^thanks\.([a-z0-9-]+)\.(en|fr)$/.exec(key);
    if (match) thanks[match[1]] = { ...thanks[match[1]], [match[2]]: body[key].replace(/\r\n/g, '\n') };
  }
  definition.thanks = thanks;
  removeTargets(definition, body);
  addTarget(definition, body.addTarget);
  applyLook(definition, body);
  return definition;
}

/** The recipients a letter campaign can add from the editor: every office, by level. */
const ADDABLE: Record<string, Json> = {
  mp: { kind: 'mp' },
  provincial: { kind: 'office', level: 'provincial' },
  mayor: { kind: 'office', level: 'municipal', offices: ['Mayor'] },
  councillor: { kind: 'office', level: 'municipal', offices: ['Councillor'] },
};

/** Removes the ticked recipients (never the last one), with their letters. */
function removeTargets(definition: Json, body: Record<string, string>): void {
  const targets = (definition.targets ?? []) as Json[];
  const kept = targets.filter((_, i) => body[`targets.${i}.remove`] !== 'on');
  if (kept.length === targets.length || kept.length === 0) return;
  for (const gone of targets.filter((t) => !kept.includes(t))) {
    delete definition.letters?.[gone.id];
    delete definition.thanks?.[gone.id];
  }
  definition.targets = kept;
}

/**
 * A new office recipient starts with the first recipient's letter, so the draft stays valid and
 * the campaigner rewrites it in place ({{recipient.salutation}} and {{recipient.title}} follow the office).
 */
function addTarget(definition: Json, kind: string | undefined): void {
  if (!kind || !(kind in ADDABLE) || definition.kind !== 'letter') return;
  const targets = (definition.targets ?? []) as Json[];
  let id = kind === 'provincial' ? 'provincial-member' : kind;
  for (let n = 2; targets.some((t) => t.id === id); n += 1) id = `${kind}-${n}`;
  targets.push({ id, ...ADDABLE[kind] });
  definition.targets = targets;
  const first = targets[0]?.id;
  if (first && definition.letters?.[first]) definition.letters[id] = { ...definition.letters[first] };
}

/** The look's fields: an empty colour or share text is none; alt texts go with an uploaded image. */
function applyLook(definition: Json, body: Record<string, string>): void {
  if (!('look.accentColour' in body)) return;
  const look = { accentColour: null, logo: null, hero: null, shareText: null, ...(definition.look ?? {}) } as Json;
  look.accentColour = body['look.accentColour'].trim() || null;
  const share = Object.fromEntries(LOCALES.map((l) => [l, (body[`look.shareText.${l}`] ?? '').trim()]));
  look.shareText = Object.values(share).some(Boolean) ? share : null;
  for (const slot of ['logo', 'hero'] as const) {
    if (!look[slot]) continue;
    if (body[`look.${slot}.remove`] === 'on') look[slot] = null;
    else look[slot] = { ...look[slot], alt: Object.fromEntries(LOCALES.map((l) => [l, (body[`look.${slot}.alt.${l}`] ?? '').trim()])) };
  }
  definition.look = look;
}

interface PageState {
  problems?: Record<string, string>;
  uploaded?: boolean;
  preview?: PreviewedLetter[];
  sample?: { postalCode?: string; city?: string; locale?: string };
  saved?: boolean;
  /** The draft the form is on (null: the published version). */
  revision?: string | null;
}

function page(deps: EditorDeps, req: Request, slug: string, d: Json, state: PageState): string {
  const locale = adminLocale(req);
  const t = (deps.renderer.text(locale).admin as { editor: Text }).editor;
  const problems = state.problems ?? {};
  // A problem deeper than a field (subjects.en.2, body.fr.0) shows at the field it belongs to.
  const problemAt = (field: string) =>
    Object.entries(problems)
      .filter(([at]) => at === field || at.startsWith(`${field}.`))
      .map(([, problem]) => problem)
      .join('; ') || null;
  const field = (name: string, label: string, value: unknown, kind: 'input' | 'textarea' = 'input', rows = 3) => ({
    name, id: `f-${name.replace(/\./g, '-')}`, label, value: value ?? '', kind, textarea: kind === 'textarea', rows, error: problemAt(name),
  });
  const pair = (name: string, label: string, value: (l: Locale) => unknown, kind: 'input' | 'textarea' = 'input', rows = 3) =>
    LOCALES.map((l) => field(`${name}.${l}`, `${label} (${t[`in_${l}`]})`, value(l), kind, rows));
  const letterCampaign = d.kind !== 'petition';
  const targets = ((d.targets ?? []) as Json[]).map((target, i) => ({
    id: target.id,
    heading: targetHeading(t, target, locale),
    fields: target.kind === 'fixed'
      ? [field(`targets.${i}.name`, t.name, target.name), field(`targets.${i}.email`, t.email, target.email), ...pair(`targets.${i}.role`, t.role, (l) => target.role?.[l])]
      : [],
    // Holders who already agree (offices only): thanked with their own letter, or skipped.
    agree: target.kind === 'fixed'
      ? null
      : {
          field: field(`targets.${i}.agreeWho`, t.agreeWho, ((target.agree?.who ?? []) as Json[]).map((w) => (w.district ? `${w.name ?? ''} | ${w.district}` : w.name)).join('\n'), 'textarea', 3),
          then: { name: `targets.${i}.agreeThen`, id: `f-targets-${i}-agreeThen`, skip: target.agree?.then === 'skip' },
        },
    thanks: target.agree && target.agree.then !== 'skip' ? pair(`thanks.${target.id}`, t.thanksLetter, (l) => d.thanks?.[target.id]?.[l], 'textarea', 8) : [],
    remove: letterCampaign && (d.targets ?? []).length > 1 ? { name: `targets.${i}.remove`, label: fill(t.removeTarget, { name: targetHeading(t, target, locale) }) } : null,
    letters: pair(`letters.${target.id}`, t.letter, (l) => d.letters?.[target.id]?.[l], 'textarea', 14),
  }));
  if (d.kind === 'petition') targets.push({ id: 'petition', heading: t.petitionLetter, fields: [], agree: null, thanks: [], remove: null, letters: pair('letters.petition', t.letter, (l) => d.letters?.petition?.[l], 'textarea', 14) });
  const heading = fill(t.title, { title: d.title?.[locale] ?? slug });
  const summary = Object.entries(problems).map(([at, problem]) =>
    at === 'draft' ? { href: '#f-title-en', text: problem } : { href: `#f-${fieldOf(at).replace(/\./g, '-')}`, text: `${at}: ${problem}` },
  );
  return deps.renderer.render('admin/editor', locale, {
    slug,
    heading,
    revision: state.revision ?? '',
    mayPublish: may(campaignerOf(req), 'publish'),
    csrf: sessionOf(req)?.csrf,
    ...langParams(req),
    saved: state.saved,
    uploaded: state.uploaded,
    summary,
    texts: [
      ...pair('title', t.campaignTitle, (l) => d.title?.[l]),
      ...pair('summary', t.summary, (l) => d.summary?.[l], 'textarea', 3),
      ...pair('body', t.body, (l) => (d.body?.[l] ?? []).join('\n\n'), 'textarea', 12),
      ...pair('subjects', t.subjects, (l) => (d.subjects?.[l] ?? []).join('\n'), 'textarea', 4),
      ...pair('sendNotice', t.sendNotice, (l) => d.sendNotice?.[l], 'textarea', 3),
      ...pair('updatesConsent', t.updatesConsent, (l) => d.updatesConsent?.[l], 'textarea', 3),
    ],
    numbers: [
      field('goal', t.goal, d.goal),
      field('counterOffset', t.counterOffset, d.counterOffset ?? 0),
      ...(letterCampaign ? [field('chooseTargets', t.chooseTargets, d.chooseTargets?.min ?? '')] : []),
    ],
    addable: letterCampaign
      ? Object.keys(ADDABLE)
          .filter((kind) => kind !== 'mp' || !((d.targets ?? []) as Json[]).some((x) => x.kind === 'mp' || (x.kind === 'office' && x.level === 'federal')))
          .map((kind) => ({ value: kind, label: t[`add_${kind}`] }))
      : [],
    look: {
      fields: [field('look.accentColour', t.accentColour, d.look?.accentColour ?? ''), ...pair('look.shareText', t.shareText, (l) => d.look?.shareText?.[l], 'textarea', 2)],
      images: (['logo', 'hero'] as const).map((slot) => ({
        slot,
        heading: t[slot],
        current: d.look?.[slot] ? { src: `/images/${d.look[slot].image}/480.jpeg`, remove: `look.${slot}.remove`, removeLabel: fill(t.removeImage, { image: t[slot] }) } : null,
        fields: d.look?.[slot] ? pair(`look.${slot}.alt`, t.altText, (l) => d.look[slot].alt?.[l]) : [],
      })),
    },
    targets,
    variables: deps.authoring.checker.variables.map((v) => `{{${v}}}`),
    sample: { postalCode: state.sample?.postalCode ?? 'M5V 3L9', city: state.sample?.city ?? 'Toronto', fr: state.sample?.locale === 'fr' },
    sampleError: problemAt('sample'),
    preview: state.preview?.map((l) => ({ ...l, to: l.recipient.name ? `${l.recipient.name} · ${l.recipient.role}` : l.recipient.role })),
    layout: adminLayout(deps.renderer, req, locale, heading),
  });
}

/** The form field a definition path is shown at. */
function fieldOf(path: string): string {
  const parts = path.split('.');
  // An image that could not be taken is shown at the upload's file field.
  if (parts[0] === 'look') return parts[2] === 'image' ? 'look.image' : path;
  if (parts[0] === 'letters' || parts[0] === 'thanks' || parts[0] === 'targets') return parts.slice(0, parts[0] === 'targets' && parts[2] === 'role' ? 4 : 3).join('.');
  if (parts[0] === 'chooseTargets') return 'chooseTargets';
  return parts.slice(0, 2).join('.');
}

/** A recipient's heading: the supporter's MP, their provincial member, mayor…, or a named person. */
function targetHeading(t: Text, target: Json, locale: Locale): string {
  if (target.kind === 'mp') return t.targetMp;
  if (target.kind === 'office') return fill(t.targetOffice, { office: capitalised(officeLabel(target.level as Level, (target.offices as string[] | undefined) ?? null, locale)) });
  return fill(t.targetFixed, { name: target.name ?? target.id });
}
