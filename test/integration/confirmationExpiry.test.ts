// Campaigns with `confirm: true`: each action waits for its supporter to confirm from an email
// (sent once, by the worker, through SendGrid); nothing reaches a target before that; an action
// left unconfirmed past its time is deleted with everything it held.
import request from 'supertest';
import { confirmAction, expireUnconfirmed, sendConfirmation } from '../../src/domain/confirmAction';
import { removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { eventually } from '../helpers/eventually';
import { startTestService, supporter, type TestService } from '../helpers/testService';
import type { SentMail } from '../fakes/fakeSendgrid';

const LETTERS = 'xinjiang'; // a copy of the letter campaign, with confirm: true
const PETITION = 'xinjiang-petition';
const ORGANISATION = { email: 'info@example.org', name: 'Example Human Rights Organisation' };

let service: TestService;
let dir: string;

beforeAll(async () => {
  dir = writeCampaignsDir({ [LETTERS]: { from: 'xinjiang', set: { confirm: true } }, [PETITION]: { from: 'xinjiang-petition' } });
  // Workers are started by the test that needs them.
  service = await startTestService({ workers: false, env: { CAMPAIGNS_DIR: dir } });
});
afterAll(async () => {
  await service.close();
  removeCampaignsDir(dir);
});
beforeEach(() => service.sendgrid.reset());

interface Submitted {
  id: string;
  token: string;
  email: string;
  letterIds: string[];
  confirmationRequired: boolean;
}

async function submit(slug: string, body: Record<string, unknown>): Promise<Submitted> {
  const res = await service.submitted(body, slug);
  return { id: res.id, token: res.token, email: body.email as string, letterIds: res.letters.map((l) => l.id), confirmationRequired: res.res.body.confirmationRequired };
}

const actionRow = async (id: string) =>
  (await service.deps.db.query<{ confirm_token: string | null; confirmed_at: Date | null; confirm_sent_at: Date | null; confirm_expires_at: Date | null }>(
    'SELECT confirm_token, confirmed_at, confirm_sent_at, confirm_expires_at FROM actions WHERE id = $1',
    [id],
  )).rows[0];
const letterStatuses = async (ids: string[]) =>
  (await service.deps.db.query<{ status: string }>('SELECT status FROM letters WHERE id = ANY($1)', [ids])).rows.map((r) => r.status);
const letterIdOf = (m: SentMail) => m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id;
const count = async (sql: string, params: unknown[]) => (await service.deps.db.query<{ n: number }>(sql, params)).rows[0].n;
const counter = async (slug: string) => {
  service.deps.counter.forget(slug);
  return (await request(service.app).get(`/api/campaigns/${slug}`).expect(200)).body.counter.actions as number;
};

describe('the confirmation email', () => {
  it('is queued with the action id only, sent once by the worker, and holds the letters until confirmed', async () => {
    const person = supporter({ firstName: 'Rahima', lastName: 'Mahmut', address: '9 Hidden Street' });
    const action = await submit(LETTERS, person);
    const control = await submit(LETTERS, supporter());
    expect(action.confirmationRequired).toBe(true);
    expect(await letterStatuses(action.letterIds)).toEqual(['awaiting_confirmation', 'awaiting_confirmation']);

    // The job in Redis carries the action id and nothing personal.
    const jobs = await service.deps.queues.emails.getJobs(['waiting', 'delayed', 'prioritized']);
    const job = jobs.find((j) => j.id === `confirm-${action.id}`);
    expect(job).toBeDefined();
    expect(job!.data).toEqual({ actionId: action.id });
    const raw = JSON.stringify(await service.deps.redis.hgetall(`${service.prefix}:emails:confirm-${action.id}`));
    expect(raw).toContain(action.id);
    for (const secret of [person.email, 'Rahima', 'Mahmut', '9 Hidden Street']) expect(raw).not.toContain(secret);

    await service.startWorkers();
    try {
      await service.sendgrid.waitForAccepted(2);
      await eventually(() => actionRow(action.id), (r) => r.confirm_sent_at !== null, { what: 'confirm_sent_at' });
      const mail = service.sendgrid.accepted().find((m) => m.body.personalizations[0].to[0].email === person.email)!;
      expect(mail).toBeDefined();
      const { confirm_token: token } = await actionRow(action.id);
      expect(token).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(mail.body.personalizations[0].to).toEqual([{ email: person.email, name: 'Rahima Mahmut' }]);
      // From the organisation (at the service's verified address), as every email to a supporter.
      expect(mail.body.from).toEqual({ email: 'letters@example.org', name: ORGANISATION.name });
      expect(mail.body.reply_to).toEqual(ORGANISATION);
      expect(mail.body.subject ?? mail.body.personalizations[0].subject).toBe('Please confirm: Canada must act on the mass detention of Uyghurs in Xinjiang');
      const [text, html] = mail.body.content!;
      expect(text.value).toContain(`https://act.example.org/confirm/${token}?lang=en`);
      expect(html.value).toContain(`href="https://act.example.org/confirm/${token}?lang=en"`);
      expect(text.value).toContain('Hello Rahima');
      expect(text.value).toContain('your letters are not sent');
      // The confirmation token is not the status link's token.
      expect(token).not.toBe(action.token);

      // Confirming the other action sends its letters: the pipeline runs, yet the unconfirmed action's letters stay put.
      const { confirm_token: controlToken } = await actionRow(control.id);
      const confirmed = await confirmAction(service.web.pages.confirm, controlToken!);
      expect(confirmed.alreadyConfirmed).toBe(false);
      await Promise.all(control.letterIds.map((id) => service.waitForLetter(id, 'accepted')));
      expect(await letterStatuses(action.letterIds)).toEqual(['awaiting_confirmation', 'awaiting_confirmation']);
      const sentIds = service.sendgrid.receivedLetterIds();
      for (const id of action.letterIds) expect(sentIds).not.toContain(id);
      // Exactly one confirmation email each, to the supporters; letters only for the confirmed action.
      expect(sentIds.filter((id) => id === `confirm-${action.id}`)).toHaveLength(1);
      expect(sentIds.filter((id) => id === `confirm-${control.id}`)).toHaveLength(1);
      expect(service.sendgrid.accepted().filter((m) => m.body.personalizations[0].to[0].email.endsWith('@parl.gc.ca')).map(letterIdOf).sort()).toEqual(
        [...control.letterIds].sort(),
      );
    } finally {
      await service.workers?.close();
      service.workers = null;
    }

    // Asking again sends nothing.
    const requests = service.sendgrid.requestCount();
    expect(await sendConfirmation(service.worker.sendConfirmation, action.id)).toBe('skipped');
    expect(service.sendgrid.requestCount()).toBe(requests);
  });

  it('is written in French for a French signature, and says the signature is not counted yet', async () => {
    const person = supporter({ firstName: 'Zoé', lastName: 'Côté', postalCode: 'G0A 1A0', city: 'Québec', locale: 'fr', address: undefined });
    const submittedFrom = Date.now();
    const signature = await submit(PETITION, person);
    const submittedBy = Date.now();
    expect(signature.letterIds).toEqual([]);
    expect(await sendConfirmation(service.worker.sendConfirmation, signature.id)).toBe('sent');
    const [mail] = service.sendgrid.accepted();
    expect(service.sendgrid.accepted()).toHaveLength(1);
    const { confirm_token: token, confirm_sent_at: sentAt } = await actionRow(signature.id);
    expect(sentAt).not.toBeNull();
    expect(mail.body.personalizations[0].to).toEqual([{ email: person.email, name: 'Zoé Côté' }]);
    expect(mail.body.from).toEqual({ email: 'letters@example.org', name: 'Organisation exemple de défense des droits de la personne' });
    expect(mail.body.reply_to?.email).toBe(ORGANISATION.email);
    expect(mail.body.subject ?? mail.body.personalizations[0].subject).toBe(
      'Veuillez confirmer : Libérez les personnes détenues dans les camps et les prisons du Xinjiang',
    );
    const text = mail.body.content![0].value;
    expect(text).toContain(`https://act.example.org/confirm/${token}?lang=fr`);
    expect(text).toContain('Bonjour Zoé');
    expect(text).toContain("votre signature n'est pas comptée");
    // Valid for 7 days from the signature: the date of the expiry, in French.
    const { confirm_expires_at: expiresAt } = await actionRow(signature.id);
    expect(expiresAt!.getTime()).toBeGreaterThanOrEqual(submittedFrom + 7 * 24 * 3600_000);
    expect(expiresAt!.getTime()).toBeLessThanOrEqual(submittedBy + 7 * 24 * 3600_000);
    expect(text).toContain(new Intl.DateTimeFormat('fr-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }).format(expiresAt!));
    expect(letterIdOf(mail)).toBe(`confirm-${signature.id}`);

    expect(await sendConfirmation(service.worker.sendConfirmation, signature.id)).toBe('skipped');
    expect(service.sendgrid.requestCount()).toBe(1);
  });
});

describe('unconfirmed actions expire', () => {
  it('deletes an expired unconfirmed action with its letters, events, consents and lone supporter; never a confirmed one', async () => {
    const expire = () => expireUnconfirmed({ confirmations: service.deps.confirmations, clock: service.deps.clock, copies: service.deps.copies });
    // Anything older tests left behind expires first, so this test's counts are its own.
    await service.deps.db.query("UPDATE actions SET confirm_expires_at = now() - interval '1 day' WHERE confirmed_at IS NULL");
    await expire();

    const lone = await submit(LETTERS, supporter({ firstName: 'Lone', lastName: 'Unconfirmed' }));
    const twice = supporter({ firstName: 'Two', lastName: 'Actions' });
    const confirmedLetter = await submit(LETTERS, twice);
    const unconfirmedSignature = await submit(PETITION, { ...twice, address: undefined });
    const fresh = await submit(PETITION, supporter({ firstName: 'Still', lastName: 'Time' }));
    await confirmAction(service.web.pages.confirm, (await actionRow(confirmedLetter.id)).confirm_token!);

    const countersBefore = { letters: await counter(LETTERS), petition: await counter(PETITION) };
    const erasuresBefore = await count('SELECT count(*)::int AS n FROM erasures', []);
    expect(await count('SELECT count(*)::int AS n FROM letter_events WHERE letter_id = ANY($1)', [lone.letterIds])).toBeGreaterThan(0);
    expect(await count('SELECT count(*)::int AS n FROM consents WHERE action_id = $1', [lone.id])).toBe(2);

    // Time is up for the lone action, the unconfirmed signature and (pointlessly) the confirmed action.
    const tokenOfLone = (await actionRow(lone.id)).confirm_token!;
    await service.deps.db.query("UPDATE actions SET confirm_expires_at = now() - interval '1 minute' WHERE id = ANY($1)", [
      [lone.id, unconfirmedSignature.id, confirmedLetter.id],
    ]);
    // An expired link confirms nothing.
    await expect(confirmAction(service.web.pages.confirm, tokenOfLone)).rejects.toMatchObject({ code: 'not_found' });

    expect(await expire()).toBe(2);

    for (const id of [lone.id, unconfirmedSignature.id]) expect(await count('SELECT count(*)::int AS n FROM actions WHERE id = $1', [id])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM letters WHERE id = ANY($1)', [lone.letterIds])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM letter_events WHERE letter_id = ANY($1)', [lone.letterIds])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM consents WHERE action_id = ANY($1)', [[lone.id, unconfirmedSignature.id]])).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM supporters WHERE email = $1', [lone.email])).toBe(0);
    // The supporter with a confirmed action keeps their row and that action, letters and consents.
    expect(await count('SELECT count(*)::int AS n FROM supporters WHERE email = $1', [twice.email])).toBe(1);
    expect((await actionRow(confirmedLetter.id)).confirmed_at).not.toBeNull();
    expect(await count('SELECT count(*)::int AS n FROM letters WHERE id = ANY($1)', [confirmedLetter.letterIds])).toBe(2);
    expect(await count('SELECT count(*)::int AS n FROM consents WHERE action_id = $1', [confirmedLetter.id])).toBe(2);
    // The signature still in its time stays.
    expect((await actionRow(fresh.id)).confirmed_at).toBeNull();

    const erasures = await service.deps.db.query<{ by: string; row_counts: Record<string, number> }>('SELECT by, row_counts FROM erasures ORDER BY id');
    expect(erasures.rows).toHaveLength(erasuresBefore + 1);
    expect(erasures.rows[erasuresBefore]).toEqual({ by: 'expiry of unconfirmed actions', row_counts: { actions: 2, supporters: 1, letters: 2 } });

    // Unconfirmed actions never counted: the public counters do not move.
    expect({ letters: await counter(LETTERS), petition: await counter(PETITION) }).toEqual(countersBefore);

    // Nothing more to do the second time.
    expect(await expire()).toBe(0);
    expect(await count('SELECT count(*)::int AS n FROM erasures', [])).toBe(erasuresBefore + 1);
    // And the status link of the expired action is gone.
    await request(service.app).get(`/api/actions/${lone.id}`).query({ token: lone.token }).expect(404);
  });
});
