// The campaigner API of API.md (bearer token). Thin routes over the domain functions.
import { MAX_UPLOAD_BYTES, type CampaignImages } from '../adapters/campaigns/campaignImages';
import express, { Router } from 'express';
import type { PageRenderer } from '../adapters/pages';
import type { Allowance } from '../adapters/rateCounter';
import type { AdminRepo } from '../adapters/store/adminRepo';
import type { CampaignStatus } from '../domain/campaign';
import { switchCampaign, type SwitchDeps } from '../domain/campaignLifecycle';
import { campaignStats } from '../domain/campaignStats';
import type { HealthDeps } from '../domain/serviceHealth';
import { campaignVersions, copyCampaign, rollBackCampaign, createCampaign, listCampaigns, previewCampaign, publishCampaign, saveDraft, type AuthoringDeps } from '../domain/campaignAuthoring';
import { eraseSupporter, type ErasureDeps } from '../domain/eraseSupporter';
import { AppError } from '../domain/errors';
import { letterHistory, searchLetters } from '../domain/letterSearch';
import { petitionBundle, type PetitionBundleDeps } from '../domain/petitionBundle';
import { retryCampaign, retryLetter, type RetryDeps } from '../domain/retryLetters';
import { actor, allow, campaignerOf, requireBearer } from './adminAuth';
import { changeAccount, createApiToken, inviteAccount, listAccounts, removeAccount, revokeApiToken, apiTokensOf, type AccountsDeps } from '../domain/campaignerAccounts';
import { sendCsv, sendSupportersCsv } from './csvExport';
import { BUNDLE_FORMATS, BUNDLE_SENDERS, type BundleFormat } from './petitionBundle';
import { param } from './requestParts';
import type { CampaignCatalog } from '../domain/ports';
import { correctAddress, type CorrectAddressDeps } from '../domain/correctAddress';
import { moveUnsentLetters, type MoveLettersDeps } from '../domain/moveLetters';
import { dissolveLegislature, legislatureBoard, legislatureSitting, type ElectionDeps } from '../domain/elections';

export interface AdminApiDeps {
  adminToken: string | undefined;
  /** What keeps letters from going out: the stats' `alerts`. */
  health: HealthDeps;
  /** Drafts, versions, publishing and previews. */
  authoring: AuthoringDeps;
  campaigns: CampaignCatalog;
  store: AdminRepo;
  retry: RetryDeps;
  erasure: ErasureDeps;
  /** A petition's delivery bundle: letter, signers, totals. */
  bundle: PetitionBundleDeps;
  /** Open / pause / close, and each campaign's current state. */
  lifecycle: SwitchDeps;
  /** The bundle's printable document is a page template. */
  renderer: PageRenderer;
  /** Wrong bearer tokens per address. */
  bearerFailures: Allowance;
  /** Campaigners' accounts and their API tokens. */
  accounts: AccountsDeps;
  /** The look's images (logo, hero). */
  images: CampaignImages;
  /** Dissolutions and elections. */
  elections: ElectionDeps;
  /** Representatives' corrected addresses. */
  addresses: CorrectAddressDeps;
  /** Unsent letters moved to a fixed target's new holder. */
  moveLetters: MoveLettersDeps;
  /** Asks Represent again for a postal code now (the directory's refresh on demand). */
  refreshPostcode(postalCode: unknown): Promise<{ postalCode: string; fetchedAt: string; officeholders: Array<{ level: string; office: string; name: string; district: string }> }>;
}

const SWITCHABLE: readonly CampaignStatus[] = ['open', 'paused', 'closed'];

/** `{status: "open"|"paused"|"closed"}`, or 400 validation_failed. */
export function readSwitch(body: unknown): CampaignStatus {
  const status = (body as { status?: unknown } | null | undefined)?.status;
  if (typeof status === 'string' && (SWITCHABLE as readonly string[]).includes(status)) return status as CampaignStatus;
  throw new AppError('validation_failed', { fields: { status: 'invalid' } });
}

/** `?format=`: html when absent. */
function bundleFormat(asked: unknown): BundleFormat {
  if (asked === undefined) return 'html';
  if (typeof asked === 'string' && (BUNDLE_FORMATS as readonly string[]).includes(asked)) return asked as BundleFormat;
  throw new AppError('validation_failed', { fields: { format: 'invalid' } });
}


export function adminApi(deps: AdminApiDeps): Router {
  const router = Router();
  router.use(requireBearer(deps.adminToken, deps.bearerFailures, deps.accounts.accounts));
  // Each route names what it needs (domain/permissions.ts); the accounts' use cases check their own.
  const [read, draft, operate, publish, erase, elections] = (['read', 'draft', 'operate', 'publish', 'erase', 'elections'] as const).map(allow);

  // Campaign authoring (API.md): definitions carry their letter templates inline, hence the size.
  const definitionBody = express.json({ limit: '512kb', strict: true });
  router.get('/campaigns', read, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ campaigns: await listCampaigns(deps.authoring) });
  });
  router.post('/campaigns', draft, definitionBody, async (req, res) => {
    res.status(201).json(await createCampaign(deps.authoring, req.body, actor(req)));
  });
  router.put('/campaigns/:slug/draft', draft, definitionBody, async (req, res) => {
    res.json(await saveDraft(deps.authoring, param(req.params.slug), req.body, actor(req)));
  });
  router.post('/campaigns/:slug/publish', publish, async (req, res) => {
    res.json(await publishCampaign(deps.authoring, param(req.params.slug), actor(req)));
  });
  router.post('/campaigns/:slug/copy', draft, express.json({ limit: '1kb', strict: true }), async (req, res) => {
    res.status(201).json(await copyCampaign(deps.authoring, param(req.params.slug), (req.body as { slug?: unknown } | null)?.slug, actor(req)));
  });
  router.post('/campaigns/:slug/rollback', publish, express.json({ limit: '1kb', strict: true }), async (req, res) => {
    res.json(await rollBackCampaign(deps.authoring, param(req.params.slug), (req.body as { version?: unknown } | null)?.version, actor(req)));
  });
  router.get('/campaigns/:slug/versions', read, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ versions: await campaignVersions(deps.authoring, param(req.params.slug)) });
  });
  router.post('/campaigns/:slug/preview', draft, express.json({ limit: '16kb', strict: true }), async (req, res) => {
    const body = (req.body ?? {}) as { version?: unknown; supporter?: unknown };
    res.set('Cache-Control', 'no-store').json(await previewCampaign(deps.authoring, param(req.params.slug), { version: body.version, supporter: body.supporter }));
  });

  // An image for a definition's `look` (logo, hero): the body is the picture itself.
  router.post('/images', draft, express.raw({ type: ['image/jpeg', 'image/png', 'image/webp'], limit: MAX_UPLOAD_BYTES }), async (req, res) => {
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError('validation_failed', { fields: { image: 'required' } });
    const { id, widths } = await deps.images.store(req.body, actor(req));
    res.status(201).json({ image: id, widths });
  });

  router.get('/campaigns/:slug/stats', read, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await campaignStats({ ...deps, states: deps.lifecycle.states }, param(req.params.slug)));
  });

  router.get('/campaigns/:slug/letters', read, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await searchLetters(deps.store, deps.campaigns, param(req.params.slug), req.query));
  });

  router.get('/campaigns/:slug/export.csv', read, async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    await deps.authoring.audit.record({ actor: actor(req), action: 'export', campaignSlug: slug, detail: { file: 'letters.csv' } });
    await sendCsv(res, `${slug}-letters.csv`, deps.store.exportRows(slug));
  });

  // One row per supporter (letters: export.csv); `?consent=updates`: those who agreed to updates and have not withdrawn.
  router.get('/campaigns/:slug/supporters.csv', read, async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    const consent = req.query.consent;
    if (consent !== undefined && consent !== 'updates') throw new AppError('validation_failed', { fields: { consent: 'invalid' } });
    await deps.authoring.audit.record({ actor: actor(req), action: 'export', campaignSlug: slug, detail: { file: consent ? 'supporters.csv (updates)' : 'supporters.csv' } });
    await sendSupportersCsv(res, `${slug}-supporters${consent ? '-updates' : ''}.csv`, deps.store.supporterRows(slug, consent === 'updates'));
  });

  router.get('/campaigns/:slug/bundle', read, async (req, res) => {
    const format = bundleFormat(req.query.format);
    await BUNDLE_SENDERS[format](res, await petitionBundle(deps.bundle, param(req.params.slug), req.query.lang), deps.renderer);
  });

  // Open, pause or close a campaign. Opening (or closing) after a pause queues the letters it held.
  router.post('/campaigns/:slug/status', operate, express.json({ limit: '1kb', strict: true }), async (req, res) => {
    const slug = deps.campaigns.get(param(req.params.slug)).slug;
    const status = readSwitch(req.body);
    const { state, released } = await switchCampaign(deps.lifecycle, slug, status, actor(req));
    res.set('Cache-Control', 'no-store').json({ slug, status: state.status, cause: state.cause, since: state.since, released });
  });

  router.post('/campaigns/:slug/targets/:target/move', operate, async (req, res) => {
    res.json(await moveUnsentLetters(deps.moveLetters, actor(req), param(req.params.slug), param(req.params.target)));
  });
  router.post('/campaigns/:slug/retry', operate, async (req, res) => {
    res.status(202).json(await retryCampaign(deps.retry, deps.campaigns, param(req.params.slug), actor(req)));
  });

  router.get('/letters/:id', read, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await letterHistory(deps.store, param(req.params.id)));
  });

  router.post('/letters/:id/retry', operate, async (req, res) => {
    const id = param(req.params.id);
    res.status(202).json({ id, ...(await retryLetter(deps.retry, id, actor(req))) });
  });

  router.delete('/supporters/:email', erase, async (req, res) => {
    res.json({ erased: true, ...(await eraseSupporter(deps.erasure, param(req.params.email), actor(req))) });
  });

  // Accounts (owners only: the use cases say so) and each account's own API tokens.
  const small = express.json({ limit: '2kb', strict: true });

  // Elections: which legislatures sit, and the letters waiting for one's election.
  router.get('/legislatures', read, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ legislatures: await legislatureBoard(deps.elections) });
  });
  router.post('/legislatures/:id/dissolve', elections, small, async (req, res) => {
    res.json(await dissolveLegislature(deps.elections, actor(req), param(req.params.id), (req.body as { electionDate?: unknown } | null)?.electionDate));
  });
  router.post('/legislatures/:id/sitting', elections, async (req, res) => {
    res.json(await legislatureSitting(deps.elections, actor(req), param(req.params.id)));
  });

  // Representatives' addresses: the ones that bounced, and their corrections (kept for every campaign).
  router.get('/addresses', read, async (_req, res) => {
    const [bounced, corrections] = await Promise.all([deps.addresses.corrections.bounced(), deps.addresses.corrections.list()]);
    res.set('Cache-Control', 'no-store').json({ bounced, corrections });
  });
  router.post('/addresses', operate, small, async (req, res) => {
    const body = (req.body ?? {}) as { bouncedEmail?: unknown; email?: unknown };
    res.json(await correctAddress(deps.addresses, actor(req), body.bouncedEmail, body.email));
  });
  router.post('/postcodes/:postalCode/refresh', operate, async (req, res) => {
    res.json(await deps.refreshPostcode(param(req.params.postalCode)));
  });
  router.get('/accounts', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ accounts: await listAccounts(deps.accounts, campaignerOf(req)) });
  });
  router.post('/accounts', small, async (req, res) => {
    res.status(201).json(await inviteAccount(deps.accounts, campaignerOf(req), req.body));
  });
  router.patch('/accounts/:id', small, async (req, res) => {
    res.json(await changeAccount(deps.accounts, campaignerOf(req), param(req.params.id), req.body));
  });
  router.delete('/accounts/:id', async (req, res) => {
    await removeAccount(deps.accounts, campaignerOf(req), param(req.params.id));
    res.status(204).end();
  });
  router.get('/tokens', async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ tokens: await apiTokensOf(deps.accounts, campaignerOf(req)) });
  });
  router.post('/tokens', small, async (req, res) => {
    res.status(201).set('Cache-Control', 'no-store').json(await createApiToken(deps.accounts, campaignerOf(req), (req.body as { label?: unknown } | null)?.label));
  });
  router.delete('/tokens/:id', async (req, res) => {
    await revokeApiToken(deps.accounts, campaignerOf(req), param(req.params.id));
    res.status(204).end();
  });

  return router;
}
