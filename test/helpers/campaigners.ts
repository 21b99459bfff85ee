// Campaigners in tests sign in the way people do: an account made with the admin token (the API),
// a link asked for on the sign-in page, read from the email the fake SendGrid received, and the
// link page's button pressed (POST).
import request from 'supertest';
import type { Role } from '../../src/domain/ports';
import { eventually } from './eventually';
import type { TestService } from './testService';

export interface DashboardSession {
  cookie: string;
  csrf: string;
}

const adminAuth = (service: TestService) => ({ Authorization: `Bearer ${service.deps.config.adminToken}` });

/** Makes the account (unless it exists) through the API with the admin token; its id. */
export async function ensureAccount(service: TestService, email: string, role: Role = 'owner', mayPublish = false): Promise<string> {
  const made = await request(service.app).post('/api/admin/accounts').set(adminAuth(service)).send({ email, role, mayPublish });
  if (made.status === 201) return made.body.id as string;
  if (made.status !== 409) throw new Error(`making the account of ${email}: ${made.status} ${JSON.stringify(made.body)}`);
  const { body } = await request(service.app).get('/api/admin/accounts').set(adminAuth(service)).expect(200);
  return (body.accounts as Array<{ id: string; email: string }>).find((a) => a.email === email)!.id;
}

/** Every email sent to this address, letters and others. */
const mailTo = (service: TestService, email: string) =>
  [...service.sendgrid.accepted(), ...service.sendgrid.supporterMail()].filter((m) => m.body.personalizations[0].to[0].email === email);

/**
 * The secret of the next sign-in link emailed to this address after `ask` (which asks for one:
 * the sign-in page's form, in a browser or not), read from the email the fake SendGrid took.
 */
export async function linkFromMail(service: TestService, email: string, ask: () => Promise<unknown>): Promise<string> {
  const before = mailTo(service, email).length;
  await ask();
  const mails = await eventually(() => Promise.resolve(mailTo(service, email)), (m) => m.length > before, { timeoutMs: 5000, what: `a sign-in email to ${email}` });
  const text = mails[mails.length - 1].body.content!.find((c) => c.type === 'text/plain')!.value;
  return decodeURIComponent(/\/admin\/login\/link\?token=([^&\s]+)/.exec(text)![1]);
}

/** Asks for a sign-in link on the sign-in page (HTTP) and reads its secret from the email. */
export const signInLink = (service: TestService, email: string): Promise<string> =>
  linkFromMail(service, email, () => request(service.app).post('/admin/login').type('form').send({ email }).expect(200));

/** Signs in with an emailed link: the session cookie, and the CSRF token its forms carry. */
export async function signIn(service: TestService, email: string, role: Role = 'owner', mayPublish = false): Promise<DashboardSession> {
  await ensureAccount(service, email, role, mayPublish);
  const secret = await signInLink(service, email);
  const login = await request(service.app).post('/admin/login/link').type('form').send({ token: secret }).expect(303);
  const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('dearmp_admin='))!.split(';')[0];
  const page = await request(service.app).get('/admin/accounts').set('Cookie', cookie).expect(200);
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(page.text)![1] };
}

/** A personal API token of this account (made on its own session's behalf, through the API). */
export async function apiTokenOf(service: TestService, email: string, role: Role, mayPublish = false): Promise<string> {
  const session = await signIn(service, email, role, mayPublish);
  const page = await request(service.app).post('/admin/tokens').set('Cookie', session.cookie).type('form').send({ csrf: session.csrf, label: 'tests' }).expect(201);
  return /id="new-token">([^<]+)</.exec(page.text)![1];
}
