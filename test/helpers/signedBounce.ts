// SendGrid's signed Event Webhook, as a test posts a bounce for a letter the fake SendGrid took:
// the key pair the service is configured with, and the signed post itself.
import crypto from 'node:crypto';
import request from 'supertest';
import type { TestService } from './testService';

export interface WebhookKeys {
  /** SENDGRID_WEBHOOK_PUBLIC_KEY, as the service is given it. */
  publicKey: string;
  privateKey: crypto.KeyObject;
}

export function webhookKeys(): WebhookKeys {
  const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), privateKey: keys.privateKey };
}

/** Posts a signed `bounce` for the letter (`secondsLater`: a distinct event for the same letter). */
export async function postBounce(
  service: TestService,
  keys: WebhookKeys,
  letter: { id: string; recipient_email: string | null; provider_message_id: string | null },
  secondsLater = 0,
): Promise<void> {
  const raw = JSON.stringify([
    {
      email: letter.recipient_email, timestamp: Math.floor(Date.now() / 1000) + secondsLater, event: 'bounce', type: 'bounce', status: '5.1.1',
      reason: '550 5.1.1 mailbox unavailable', sg_event_id: crypto.randomBytes(16).toString('base64'),
      sg_message_id: `${letter.provider_message_id}.filter0001.16648.5515E0B88.0`, letter_id: letter.id,
    },
  ]);
  const timestamp = String(Math.floor(Date.now() / 1000));
  await request(service.app)
    .post('/webhooks/sendgrid')
    .set('Content-Type', 'application/json')
    .set('X-Twilio-Email-Event-Webhook-Signature', crypto.sign('sha256', Buffer.from(timestamp + raw), keys.privateKey).toString('base64'))
    .set('X-Twilio-Email-Event-Webhook-Timestamp', timestamp)
    .send(raw)
    .expect(204);
}
