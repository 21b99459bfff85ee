// POST /webhooks/sendgrid: verify the signature over the raw bytes, store the events, answer 204,
// then apply them to letters. Applying after answering keeps SendGrid's calls short; events a
// crash leaves unapplied are picked up by the worker's sweeper.
//
// What is refused before a byte of the body is read: no key configured, no signature header or
// one that cannot be a signature, and a signing time outside the window SendGrid's own retries
// need. A body larger than SendGrid ever sends is refused as it comes (413).
import express, { Router, type RequestHandler } from 'express';
import type { Logger } from '../adapters/logger';
import type { SendgridEvents } from '../adapters/mail/sendgridEvents';
import { AppError } from '../domain/errors';
import type { DeliveryEventStore } from '../domain/ports';
import { httpError } from './errorCodes';

export interface WebhookDeps {
  /** SendGrid's signature and event format. */
  events: SendgridEvents;
  store: DeliveryEventStore;
  applyEvents: () => Promise<unknown>;
  log: Logger;
}

/**
 * SendGrid posts a batch at 768 KB per server: twice that leaves room for the largest without
 * reading megabytes nobody sends.
 */
export const WEBHOOK_BODY_LIMIT = '1536kb';

/**
 * SendGrid retries a refused post for up to 24 hours after the event; whether a retry is signed
 * anew is not documented, so a signature may be that old (plus an hour of margin). A signature
 * from the future is allowed five minutes of clock skew.
 */
export const SIGNATURE_MAX_AGE_SECONDS = 25 * 3600;
const SIGNATURE_MAX_SKEW_SECONDS = 300;

// A base64 DER ECDSA P-256 signature is about 96 characters; a timestamp is Unix seconds.
const SIGNATURE_FORM = /^[A-Za-z0-9+/]{60,200}={0,2}$/;
const TIMESTAMP_FORM = /^\d{10}$/;

export function sendgridWebhook(deps: WebhookDeps): Router {
  const router = Router();
  const { verify, read, headers } = deps.events;

  // Refused on the headers alone: the connection closes instead of reading the body.
  const signedHeaders: RequestHandler = (req, res, next) => {
    const refuse = (internal?: string) => {
      res.set('Connection', 'close');
      next(httpError('invalid_signature', internal ? { internal } : {}));
    };
    if (!verify) return refuse('no webhook key configured');
    const signature = req.get(headers.signature);
    const timestamp = req.get(headers.timestamp);
    if (!signature || !SIGNATURE_FORM.test(signature) || !timestamp || !TIMESTAMP_FORM.test(timestamp)) return refuse();
    const age = Date.now() / 1000 - Number(timestamp);
    if (age > SIGNATURE_MAX_AGE_SECONDS || age < -SIGNATURE_MAX_SKEW_SECONDS) return refuse('signature timestamp outside the accepted window');
    next();
  };
  // The signature covers the bytes as sent: they are read as they are, whatever Content-Encoding
  // claims, and a body that would need decoding first is simply not signed by SendGrid (401).
  const asSent: RequestHandler = (req, _res, next) => {
    delete req.headers['content-encoding'];
    next();
  };
  router.post('/webhooks/sendgrid', signedHeaders, asSent, express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verify?.(raw, req.get(headers.signature), req.get(headers.timestamp))) throw httpError('invalid_signature');
    const events = read(raw);
    if (!events) throw new AppError('validation_failed');
    const stored = await deps.store.save(events);
    res.status(204).end();
    deps.log.debug({ received: events.length, stored }, 'sendgrid events stored');
    deps.applyEvents().catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'applying events failed; the sweeper will'));
  });
  return router;
}
