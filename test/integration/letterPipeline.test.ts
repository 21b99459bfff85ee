// A supporter's action becomes two real emails through the real queue and the real
// @sendgrid/mail client, against the fake SendGrid; statuses are followed through the API.
import request from 'supertest';
import { startTestService, supporter, type TestService } from '../helpers/testService';

let service: TestService;
const METRICS_TOKEN = 'letter-pipeline-metrics-token';

beforeAll(async () => {
  service = await startTestService({ env: { METRICS_TOKEN } });
});
afterAll(() => service.close());
beforeEach(() => {
  service.sendgrid.reset();
  service.represent.reset();
});

const submit = (body: object) => request(service.app).post('/api/campaigns/xinjiang/actions').send(body);

describe('the happy path', () => {
  it('turns one action into two accepted letters with the right envelope and body', async () => {
    const person = supporter();
    const res = await service.submitted(person);
    expect(res.letters).toHaveLength(2);
    const [mpLetter, ministerLetter] = res.letters;
    expect(mpLetter.recipient).toEqual({ name: 'Chi Nguyen', role: 'Member of Parliament', district: 'Spadina—Harbourfront' });
    expect(ministerLetter.recipient).toEqual({ name: 'Anita Anand', role: 'Minister of Foreign Affairs' });
    // The answer holds only what this request composed: the status link goes by email.
    expect(Object.keys(res.res.body).sort()).toEqual(['confirmationRequired', 'kind', 'letters', 'received', 'share']);

    const mails = await service.sendgrid.waitForAccepted(2);
    await service.waitForLetter(mpLetter.id, 'accepted');
    await service.waitForLetter(ministerLetter.id, 'accepted');

    const byLetter = new Map(mails.map((m) => [m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id, m]));
    const toMp = byLetter.get(mpLetter.id)!;
    const toMinister = byLetter.get(ministerLetter.id)!;
    expect(toMp.body.personalizations[0].to).toEqual([{ email: 'chi.nguyen@parl.gc.ca', name: 'Chi Nguyen' }]);
    expect(toMinister.body.personalizations[0].to).toEqual([{ email: 'anita.anand@parl.gc.ca', name: 'Anita Anand' }]);
    for (const mail of [toMp, toMinister]) {
      // Who wrote it, through the organisation: our address (DMARC), the supporter's name; replies go to them.
      expect(mail.body.from).toEqual({ email: 'letters@example.org', name: 'Mei Tursun via Example Human Rights Organisation' });
      expect(mail.body.reply_to).toEqual({ email: person.email, name: 'Mei Tursun' });
      // The letter id and nothing else travels as a custom arg.
      const args = { ...mail.body.custom_args, ...mail.body.personalizations[0].custom_args };
      expect(Object.keys(args)).toEqual(['letter_id']);
      expect(mail.body.tracking_settings).toMatchObject({ click_tracking: { enable: false }, open_tracking: { enable: false } });
      const [text, html] = mail.body.content!;
      expect(text.type).toBe('text/plain');
      expect(html.type).toBe('text/html');
      for (const part of [person.address, 'Toronto', 'M5V 3L9', person.email, 'Mei Tursun']) expect(text.value).toContain(part);
      expect(text.value).toContain(person.message);
      expect(html.value).toContain('&lt;Please&gt; act &amp; reply.');
      expect(html.value).not.toContain('<Please>');
    }
    expect(toMp.body.personalizations[0].custom_args?.letter_id ?? toMp.body.custom_args?.letter_id).toBe(mpLetter.id);
    expect(byLetter.size).toBe(2);
    expect(mails.find((m) => m === toMp)!.body.content![0].value).toContain('Spadina—Harbourfront');

    const stored = await service.letter(mpLetter.id);
    expect(stored.provider_message_id).toBe(toMp.messageId);

    const status = await request(service.app).get(`/api/actions/${res.id}`).query({ token: res.token }).expect(200);
    expect(status.body.campaign).toBe('xinjiang');
    expect(status.body.letters.map((l: { status: string }) => l.status)).toEqual(['accepted', 'accepted']);
    expect(status.body.letters[0].events.map((e: { type: string }) => e.type)).toEqual(['queued', 'sending', 'accepted']);
  });

  it('answers a second submission with the same mailbox like the first, and writes no new letters', async () => {
    const person = supporter();
    const first = await service.submitted(person);
    await service.sendgrid.waitForAccepted(2);
    const again = await submit({ ...person, email: person.email.toUpperCase(), message: 'changed my mind' }).expect(202);
    // The same answer, but for the share link's code (fresh each time, new action or not).
    expect(again.body).toEqual({ ...first.res.body, letters: again.body.letters, share: { url: expect.stringMatching(/ref=[\w-]{12}$/) } });
    expect(again.body.share.url).not.toBe(first.res.body.share.url);
    expect(again.body.letters.map((l: { recipient: object }) => l.recipient)).toEqual(first.letters.map((l) => l.recipient));
    const { rows } = await service.deps.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM letters l JOIN actions a ON a.id = l.action_id JOIN supporters s ON s.id = a.supporter_id WHERE s.email_key = $1',
      [person.email],
    );
    expect(rows[0].n).toBe(2);
  });

  it('asks the supporter to choose a riding when the postal code spans two, then writes to the chosen MP', async () => {
    const lookup = await request(service.app).get('/api/campaigns/xinjiang/representatives').query({ postalCode: 'k0a-1k0' }).expect(200);
    expect(lookup.body.ambiguous).toBe(true);
    expect(lookup.body.representatives.map((r: { district: string }) => r.district).sort()).toEqual(['Carleton', 'Prescott—Russell—Cumberland']);

    const person = supporter({ postalCode: 'K0A 1K0', city: 'Carlsbad Springs' });
    const refused = await submit(person).expect(409);
    expect(refused.body.error.code).toBe('district_required');
    expect(refused.body.error.choices).toEqual(
      expect.arrayContaining([
        { district: 'Carleton', name: 'Bruce Fanjoy' },
        { district: 'Prescott—Russell—Cumberland', name: 'Giovanna Mingarelli' },
      ]),
    );
    await submit({ ...person, district: 'Nowhere' }).expect(409);

    const chosen = await service.submitted({ ...person, district: 'Prescott-Russell-Cumberland' });
    expect(chosen.letters[0].recipient).toMatchObject({ name: 'Giovanna Mingarelli', district: 'Prescott—Russell—Cumberland' });
    const mails = await service.sendgrid.waitForAccepted(2);
    expect(mails.map((m) => m.body.personalizations[0].to[0].email)).toContain('giovanna.mingarelli@parl.gc.ca');
  });
});

describe('when SendGrid misbehaves', () => {
  it('retries a 500 and accepts the letter exactly once', async () => {
    service.sendgrid.script(500, 500);
    const res = await service.submitted(supporter());
    const ids = res.letters.map((l: { id: string }) => l.id);
    await Promise.all(ids.map((id: string) => service.waitForLetter(id, 'accepted')));
    expect(service.sendgrid.requestCount()).toBe(4);
    const accepted = service.sendgrid.accepted().map((m) => m.body.personalizations[0].custom_args?.letter_id ?? m.body.custom_args?.letter_id);
    expect(accepted.sort()).toEqual([...ids].sort());
    const status = await request(service.app).get(`/api/actions/${res.id}`).query({ token: res.token }).expect(200);
    const types = status.body.letters.flatMap((l: { events: Array<{ type: string }> }) => l.events.map((e) => e.type));
    expect(types.filter((t: string) => t === 'accepted')).toHaveLength(2);
    expect(types.filter((t: string) => t === 'queued').length).toBeGreaterThanOrEqual(3);
  });

  it('marks a letter failed at once on a 400 and keeps SendGrid’s reason', async () => {
    service.sendgrid.setDefault(400);
    const res = await service.submitted(supporter());
    const failed = await Promise.all(res.letters.map((l: { id: string }) => service.waitForLetter(l.id, 'failed')));
    expect(service.sendgrid.requestCount()).toBe(2);
    for (const letter of failed) {
      expect(letter.status_reason).toContain('SendGrid 400');
      expect(letter.status_reason).toContain('The to email does not contain a valid address.');
      expect(letter.attempts).toBe(1);
    }
  });

  it('holds the queue on a 429 and sends once the rate limit has passed, without using attempts', async () => {
    service.sendgrid.script(429);
    const res = await service.submitted(supporter());
    await Promise.all(res.letters.map((l: { id: string }) => service.waitForLetter(l.id, 'accepted')));
    expect(service.sendgrid.requestCount()).toBe(3);
    expect(service.sendgrid.accepted()).toHaveLength(2);
  });
});

describe('operations', () => {
  it('exposes actions, letters by status, SendGrid answers, Represent cache use and queue depth to Prometheus', async () => {
    service.sendgrid.script(500);
    const res = await service.submitted(supporter());
    await Promise.all(res.letters.map((l: { id: string }) => service.waitForLetter(l.id, 'accepted')));
    const metrics = (await request(service.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;
    const value = (line: RegExp) => Number(metrics.split('\n').find((l) => line.test(l))?.split(' ').pop());
    expect(value(/^dearmp_actions_total\{campaign="xinjiang"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^dearmp_sendgrid_answers_total\{code="500"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^dearmp_sendgrid_answers_total\{code="202"\}/)).toBeGreaterThanOrEqual(2);
    expect(value(/^dearmp_represent_cache_total\{result="hit"\}/)).toBeGreaterThanOrEqual(1);
    const { rows } = await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM letters WHERE status = 'accepted'");
    expect(value(/^dearmp_letters\{status="accepted"\}/)).toBe(rows[0].n);
    expect(metrics).toMatch(/^dearmp_queue_jobs\{queue="letters",state="waiting"\} \d+$/m);
  });
});

describe('privacy', () => {
  it('keeps supporters’ personal data out of Redis: jobs carry a letter id only', async () => {
    const person = supporter({ firstName: 'Zulfiye', lastName: 'Memetimin', address: '77 Quiet Lane' });
    await service.workers!.close();
    service.workers = null;
    const res = await service.submitted(person);
    const jobs = await service.deps.queues.letters.getJobs(['waiting', 'delayed', 'prioritized']);
    const ours = jobs.filter((j) => res.letters.some((l: { id: string }) => j.id === `letter-${l.id}`));
    expect(ours).toHaveLength(2);
    for (const job of ours) expect(Object.keys(job.data)).toEqual(['letterId']);

    const redis = service.deps.redis;
    const keys = await redis.keys(`${service.prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    const dump: string[] = [];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') dump.push((await redis.get(key)) ?? '');
      if (type === 'hash') dump.push(JSON.stringify(await redis.hgetall(key)));
      if (type === 'list') dump.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      if (type === 'zset') dump.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      if (type === 'set') dump.push(JSON.stringify(await redis.smembers(key)));
      if (type === 'stream') dump.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      dump.push(key);
    }
    const everything = dump.join('\n');
    expect(everything).toContain(res.letters[0].id); // the dump is real
    for (const secret of [person.email, 'Zulfiye', 'Memetimin', '77 Quiet Lane', 'Ürümqi']) expect(everything).not.toContain(secret);
    await service.startWorkers();
    await Promise.all(res.letters.map((l: { id: string }) => service.waitForLetter(l.id, 'accepted')));
  });
});
