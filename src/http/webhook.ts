// POST /webhooks/sendgrid: verify the signature over the raw bytes, store the events, answer 204,
// then apply them to letters. Applying after answering keeps SendGrid's calls short; events a
// crash leaves unapplied are picked up by the worker's sweeper.
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

export function sendgridWebhook(deps: WebhookDeps): Router {
  const router = Router();
  const { verify, read, headers } = deps.events;
  // SendGrid posts batches of up to 768 KB per server; leave room. Raw bytes: the signature covers them.
  // The signature covers the bytes as sent: they are read as they are, whatever Content-Encoding
  // claims, and a body that would need decoding first is simply not signed by SendGrid (401).
  const asSent: RequestHandler = (req, _res, next) => {
    delete req.headers['content-encoding'];
    next();
  };
  router.post('/webhooks/sendgrid', asSent, express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verify) throw httpError('invalid_signature', { internal: 'no webhook key configured' });
    if (!verify(raw, req.get(headers.signature), req.get(headers.timestamp))) throw httpError('invalid_signature');
    const events = read(raw);
    if (!events) throw new AppError('validation_failed');
    const stored = await deps.store.save(events);
    res.status(204).end();
    deps.log.debug({ received: events.length, stored }, 'sendgrid events stored');
    deps.applyEvents().catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'applying events failed; the sweeper will'));
  });
  return router;
}
