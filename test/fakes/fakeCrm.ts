// A local stand-in for the organisation's CRM: records each post (headers and raw body) and
// answers with the statuses the test scripts (then 200). With `format: 'action-network'` it
// checks the request the way Action Network's person signup helper would: the OSDI-API-Token
// header, and a JSON body with person.email_addresses[0].address (400 otherwise).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrmPost {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>;
  status: number;
}

export interface FakeCrm {
  url: string;
  posts(): CrmPost[];
  /** The next answers, in order; 200 after them. */
  script(...statuses: number[]): void;
  /** Resolves once this many posts were answered 2xx. */
  waitForAccepted(n: number, timeoutMs?: number): Promise<CrmPost[]>;
  close(): Promise<void>;
}

export async function startFakeCrm(options: { format?: 'dearmp' | 'action-network'; token?: string } = {}): Promise<FakeCrm> {
  let posts: CrmPost[] = [];
  let scripted: number[] = [];
  let waiters: Array<() => void> = [];
  const accepted = () => posts.filter((p) => p.status >= 200 && p.status < 300);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      let status = scripted.shift() ?? 200;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        status = 400;
      }
      if (options.format === 'action-network') {
        const address = (body.person as { email_addresses?: Array<{ address?: string }> } | undefined)?.email_addresses?.[0]?.address;
        if (req.headers['osdi-api-token'] !== options.token) status = 401;
        else if (!address) status = 400;
      }
      posts.push({ headers: req.headers, raw, body, status });
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end('{}');
      waiters.forEach((check) => check());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/dearmp`,
    posts: () => [...posts],
    script: (...statuses) => {
      scripted = statuses;
    },
    waitForAccepted: (n, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake CRM: ${accepted().length} of ${n} posts accepted`)), timeoutMs);
        const check = () => {
          if (accepted().length < n) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(accepted());
        };
        waiters.push(check);
        check();
      }),
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
