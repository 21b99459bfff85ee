// POST /webhooks/sendgrid: verify the signature over the raw bytes, store the events, answer 204,
// then apply them to letters. Applying after answering keeps SendGrid's calls short; events a
// crash leaves unapplied are picked up by the worker's sweeper.
import express, { Router, type RequestHandler } from 'express';
import type { Logger } from '../adapters/logger';
import { readEvents, SIGNATURE_HEADER, TIMESTAMP_HEADER, type SignatureCheck } from '../adapters/mail/sendgridEvents';
import { AppError } from '../domain/errors';
import type { DeliveryEventStore } from '../domain/deliveryEvents';

export interface WebhookDeps {
  verify: SignatureCheck | null;
  events: DeliveryEventStore;
  applyEvents: () => Promise<unknown>;
  log: Logger;
}

export function sendgridWebhook(deps: WebhookDeps): Router {
  const router = Router();
  // SendGrid posts batches of up to 768 KB per server; leave room. Raw bytes: the signature covers them.
  // The signature covers the bytes as sent: they are read as they are, whatever Content-Encoding
  // claims, and a body that would need decoding first is simply not signed by SendGrid (401).
  const asSent: RequestHandler = (req, _res, next) => {
    delete req.headers['content-encoding'];
    next();
  };
  router.post('/webhooks/sendgrid', asSent, express.raw({ type: () => true, limit: '10mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!deps.verify) {
      throw new AppError('invalid_signature', 'Webhook refused: SENDGRID_WEBHOOK_PUBLIC_KEY is not set.', { internal: 'no webhook key configured' });
    }
    if (!deps.verify(raw, req.get(SIGNATURE_HEADER), req.get(TIMESTAMP_HEADER))) {
      throw new AppError('invalid_signature', 'Missing or wrong signature.');
    }
    const events = readEvents(raw);
    if (!events) throw new AppError('validation_failed', 'The body must be a JSON array of events.');
    const stored = await deps.events.save(events);
    res.status(204).end();
    deps.log.debug({ received: events.length, stored }, 'sendgrid events stored');
    deps.applyEvents().catch((error: unknown) => deps.log.warn({ err: (error as Error).message }, 'applying events failed; the sweeper will'));
  });
  return router;
}
