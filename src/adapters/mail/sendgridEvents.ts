// SendGrid's Event Webhook: checking the ECDSA signature over the raw bytes (@sendgrid/eventwebhook)
// and reading the JSON array of events into DeliveryEvents.
import { EventWebhook } from '@sendgrid/eventwebhook';
import type { DeliveryEvent } from '../../domain/deliveryEvents';
import { isUuid } from '../../domain/ids';
import { isServiceEmailId } from '../../domain/supporterEmails';

export const SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

export type SignatureCheck = (rawBody: Buffer, signature: string | undefined, timestamp: string | undefined) => boolean;

/** What the webhook route needs of SendGrid's format: who signed it, and what it says. */
export interface SendgridEvents {
  /** Null when no key is configured: then every call is refused. */
  verify: SignatureCheck | null;
  read(rawBody: Buffer): DeliveryEvent[] | null;
  headers: { signature: string; timestamp: string };
}

export const sendgridEvents = (publicKeyBase64: string | undefined): SendgridEvents => ({
  verify: signatureChecker(publicKeyBase64),
  read: readEvents,
  headers: { signature: SIGNATURE_HEADER, timestamp: TIMESTAMP_HEADER },
});

/** Null when no key is configured: then every call is refused. */
export function signatureChecker(publicKeyBase64: string | undefined): SignatureCheck | null {
  if (!publicKeyBase64) return null;
  const webhook = new EventWebhook();
  const key = webhook.convertPublicKeyToECDSA(publicKeyBase64);
  return (rawBody, signature, timestamp) => {
    if (!signature || !timestamp) return false;
    try {
      return webhook.verifySignature(key, rawBody, signature, timestamp);
    } catch {
      return false; // a malformed signature is a wrong one
    }
  };
}

// Unix seconds between 2000 and 2100: anything else (milliseconds, nonsense) is not SendGrid's.
const MIN_SECONDS = 946_684_800;
const MAX_SECONDS = 4_102_444_800;

function timeOf(value: unknown): Date | null {
  const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS ? new Date(seconds * 1000) : null;
}

/** PostgreSQL text cannot hold NUL: drop it from every string rather than lose the batch. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\u0000/g, '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/\u0000/g, ''), withoutNul(v)]));
  return value;
}
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

/** The letters' events of a webhook body; null when the body is not a JSON array of events. */
export function readEvents(rawBody: Buffer): DeliveryEvent[] | null {
  let body: unknown;
  try {
    body = withoutNul(JSON.parse(rawBody.toString('utf8')));
  } catch {
    return null;
  }
  if (!Array.isArray(body)) return null;
  const events: DeliveryEvent[] = [];
  for (const item of body) {
    if (!item || typeof item !== 'object') return null;
    const e = item as Record<string, unknown>;
    const event = text(e.event);
    const occurredAt = timeOf(e.timestamp);
    if (!event || !occurredAt) return null;
    const letterId = text(e.letter_id);
    // Events of the emails asking supporters to confirm: about a supporter's own address, not a
    // letter; not kept (nothing would ever erase them).
    if (letterId && isServiceEmailId(letterId)) continue;
    // Bounces and drops say why in `reason`; deferrals in `response`.
    const reason = [text(e.type), text(e.status), text(e.reason) ?? text(e.response)].filter(Boolean).join(' ') || null;
    events.push({
      event,
      letterId: letterId && isUuid(letterId) ? letterId.toLowerCase() : null,
      sgEventId: text(e.sg_event_id),
      sgMessageId: text(e.sg_message_id),
      occurredAt,
      recipient: text(e.email),
      reason: reason ? reason.slice(0, 1000) : null,
      payload: e,
    });
  }
  return events;
}
