// A bench-only stand-in for SendGrid's Mail Send: every POST /v3/mail/send with the right key is
// answered 202 + X-Message-Id after a fixed delay (50 ms by default), like a real API round trip.
// It only counts: the time of each 202 and the letter_id it carried, so the bench can compute
// letters per second from first to last accepted and check that no letter was sent twice.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_SENDGRID_KEY = 'SG.test-key';

export interface SlowSendgrid {
  url: string;
  apiKey: string;
  /** Times (ms since epoch) at which each 202 was written. */
  acceptedAt(): number[];
  /** How many 202s carried each letter_id (the floor worker sends one too). */
  letterIds(): Map<string, number>;
  /** Answers other than 202 (bad key, bad body). */
  refused(): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startSlowSendgrid(delayMs = 50): Promise<SlowSendgrid> {
  let accepted: number[] = [];
  let ids = new Map<string, number>();
  let refused = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v3/mail/send' || req.headers.authorization !== `Bearer ${BENCH_SENDGRID_KEY}`) {
        refused += 1;
        res.writeHead(req.url === '/v3/mail/send' ? 401 : 404, { 'Content-Type': 'application/json' });
        res.end('{"errors":[{"message":"refused by the bench fake","field":null,"help":null}]}');
        return;
      }
      let letterId = '';
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          custom_args?: Record<string, string>;
          personalizations?: Array<{ custom_args?: Record<string, string> }>;
        };
        letterId = body.custom_args?.letter_id ?? body.personalizations?.[0]?.custom_args?.letter_id ?? '';
      } catch {
        refused += 1;
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end('{"errors":[{"message":"Bad Request","field":null,"help":null}]}');
        return;
      }
      setTimeout(() => {
        accepted.push(Date.now());
        ids.set(letterId, (ids.get(letterId) ?? 0) + 1);
        res.writeHead(202, { 'X-Message-Id': randomBytes(11).toString('base64url'), 'Content-Length': '0' });
        res.end();
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: BENCH_SENDGRID_KEY,
    acceptedAt: () => accepted,
    letterIds: () => ids,
    refused: () => refused,
    reset: () => {
      accepted = [];
      ids = new Map();
      refused = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
