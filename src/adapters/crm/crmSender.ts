// Posting to the organisation's CRM. Our format: the event as JSON, signed with HMAC-SHA256 over
// the timestamp and the raw body (`X-Dearmp-Signature: t=<unix seconds>,v1=<hex>`), so the CRM can
// check it came from us and is fresh. Action Network: its person signup helper (OSDI), with the
// organisation's API key; a withdrawal or erasure unsubscribes the address there.
import axios from 'axios';
import { createHmac } from 'node:crypto';
import { CrmError, type CrmEvent, type CrmSender } from '../../domain/ports';

export interface CrmSenderOptions {
  url: string;
  format: 'dearmp' | 'action-network';
  secret: string | null;
  token: string | null;
  timeoutMs: number;
  now?: () => Date;
}

export const signatureOf = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/** Action Network's person signup helper body (OSDI): the person, and the campaign as a tag. */
function osdiPerson(event: CrmEvent) {
  if (event.type !== 'supporter.opted_in') {
    return { person: { email_addresses: [{ address: event.supporter.email, status: 'unsubscribed' }] } };
  }
  const s = event.supporter;
  return {
    person: {
      given_name: s.firstName,
      family_name: s.lastName,
      email_addresses: [{ address: s.email, status: 'subscribed' }],
      postal_addresses: s.postalCode ? [{ postal_code: s.postalCode, region: s.province ?? undefined, country: 'CA' }] : [],
      languages_spoken: [s.language],
    },
    add_tags: ['dearmp', event.campaign.slug],
  };
}

export function crmSender(options: CrmSenderOptions): CrmSender {
  const now = options.now ?? (() => new Date());
  return {
    async post(id, event, occurredAt) {
      const body =
        options.format === 'action-network' ? JSON.stringify(osdiPerson(event)) : JSON.stringify({ id, occurredAt: occurredAt.toISOString(), ...event });
      const timestamp = Math.floor(now().getTime() / 1000);
      const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'dearmp' };
      if (options.format === 'action-network') headers['OSDI-API-Token'] = options.token ?? '';
      else headers['X-Dearmp-Signature'] = `t=${timestamp},v1=${signatureOf(options.secret ?? '', timestamp, body)}`;
      let status: number;
      try {
        ({ status } = await axios.post(options.url, body, { headers, timeout: options.timeoutMs, validateStatus: () => true, maxRedirects: 0, transformRequest: [(data) => data] }));
      } catch (error) {
        throw new CrmError(`no answer from the CRM: ${(error as Error).message}`);
      }
      if (status < 200 || status >= 300) throw new CrmError(`the CRM answered HTTP ${status}`);
    },
  };
}
