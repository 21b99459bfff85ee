// When a letter does not arrive: a bounce (a signed SendGrid event) brings its supporter one
// email, in their language, naming the office, with its phone numbers and postal addresses from
// Represent's `offices`, and a link to a printable copy of their letter.
import request from 'supertest';
import { eventually } from '../helpers/eventually';
import { postBounce, webhookKeys } from '../helpers/signedBounce';
import { startTestService, supporter, type TestService } from '../helpers/testService';

const keys = webhookKeys();
let service: TestService;
beforeAll(async () => {
  service = await startTestService({ env: { SENDGRID_WEBHOOK_PUBLIC_KEY: keys.publicKey } });
});
afterAll(() => service.close());

const bounce = (letter: Parameters<typeof postBounce>[2], secondsLater = 0) => postBounce(service, keys, letter, secondsLater);

const notesTo = (email: string) =>
  service.sendgrid.supporterMail().filter((m) => m.body.personalizations[0].to[0].email === email && String(m.body.custom_args?.letter_id ?? m.body.personalizations[0].custom_args?.letter_id).startsWith('undelivered-'));

it('a bounced letter brings its supporter one email with the office’s phone and address, in French, and a printable copy', async () => {
  const person = supporter({ locale: 'fr' });
  const sent = await service.submitted(person);
  const letter = await service.waitForLetter(sent.letters[0].id, 'accepted');
  await bounce(letter);
  await service.waitForLetter(letter.id, 'bounced');

  const [note] = await eventually(async () => notesTo(person.email), (n) => n.length === 1, { what: 'the note that the letter did not arrive' });
  expect(note.body.subject).toBe('Votre lettre à Chi Nguyen n’est pas arrivée');
  const text = note.body.content!.find((c) => c.type === 'text/plain')!.value;
  expect(text).toContain('Bureau à l’assemblée : téléphone 1 613 992-2352');
  expect(text).toContain('Bureau de circonscription : téléphone 1 416 533-1340');
  expect(text).toContain('202-460 Richmond St W');

  // The printable copy: the letter as sent, with the office's postal addresses.
  const link = new URL(/https:\/\/act\.example\.org\/actions\/[^/\s]+\/letters\/\S+/.exec(text)![0]);
  const page = await request(service.app).get(link.pathname + link.search).expect(200);
  expect(page.text).toContain('Chi Nguyen');
  expect(page.text).toContain('Main office - Toronto');
  // As the page writes it (Handlebars escapes quotes).
  expect(page.text).toContain(letter.subject!.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;'));
  // Without the token, or for another action's letter, it does not exist.
  await request(service.app).get(link.pathname).expect(404);

  // A second bounce report, a moment later, sends no second note.
  await bounce(letter, 5);
  await eventually(async () => (await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM delivery_events WHERE letter_id = $1", [letter.id])).rows[0].n, (n) => n >= 2, { what: 'the second event stored' });
  await eventually(async () => (await service.deps.db.query<{ n: number }>("SELECT count(*)::int AS n FROM delivery_events WHERE letter_id = $1 AND applied_at IS NULL", [letter.id])).rows[0].n, (n) => n === 0, { what: 'the events applied' });
  expect(notesTo(person.email)).toHaveLength(1);
});

it('a fixed target’s letter that bounces still brings the note, without contact details Represent does not have', async () => {
  const person = supporter();
  const sent = await service.submitted(person);
  const letter = await service.waitForLetter(sent.letters[1].id, 'accepted');
  await bounce(letter);
  const [note] = await eventually(async () => notesTo(person.email), (n) => n.length === 1, { what: 'the note' });
  expect(note.body.subject).toBe('Your letter to Anita Anand did not arrive');
  expect(note.body.content!.find((c) => c.type === 'text/plain')!.value).toContain('Their office’s phone and address are on their website.');
});
