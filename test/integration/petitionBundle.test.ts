// A petition's delivery bundle: the letter, then every confirmed signer (names, city, province,
// riding, date: never an email or an address), with totals; as printable HTML and as CSV,
// streamed with flat memory. Signatures are written straight into the database.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createLogger } from '../../src/adapters/logger';
import { signaturesRepo } from '../../src/adapters/store/signaturesRepo';
import type { PetitionBundle, Signer } from '../../src/domain/petitionBundle';
import { errorHandler } from '../../src/http/errorResponse';
import { sendBundleCsv, sendBundleHtml } from '../../src/http/petitionBundle';
import { startTestService, type TestService } from '../helpers/testService';
import { streamedDownload } from '../helpers/streamedDownload';

const TOKEN = 'test-admin-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const SLUG = 'xinjiang-petition';
const BUNDLE = `/api/admin/campaigns/${SLUG}/bundle`;

interface Signature {
  id: string;
  first: string;
  last: string;
  city: string | null;
  province: string | null;
  district: string | null;
  at: string;
  campaign?: string;
  confirmedAt?: string | null;
  erased?: 'row kept' | 'supporter gone';
}

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

// In signing order. The first signed at 22:30 in Toronto on February 28 (03:30 UTC on March 1).
// Zoé and Émile signed in the same microsecond (the id breaks the tie); Sam one microsecond later.
const SIGNERS: Signature[] = [
  { id: id(1), first: 'Mei', last: 'Tursun', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-01T03:30:00Z' },
  { id: id(2), first: '<script>alert("x")</script>', last: "O'Brien & Sons", city: '=HYPERLINK("http://evil")', province: 'ON', district: null, at: '2025-03-02T15:00:00Z' },
  { id: id(3), first: 'Zoé', last: 'Lévesque-Bélanger', city: 'Québec', province: 'QC', district: 'Portneuf—Jacques-Cartier', at: '2025-03-03T15:00:00.000001Z' },
  { id: id(4), first: 'Émile', last: 'Côté', city: 'Lévis', province: 'QC', district: 'Lévis—Lotbinière', at: '2025-03-03T15:00:00.000001Z' },
  { id: id(5), first: 'Sam', last: 'Lee', city: null, province: null, district: null, at: '2025-03-03T15:00:00.000002Z' },
  { id: id(6), first: 'Ahmed', last: 'Khan', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-05T15:00:00Z' },
];

// None of these may count or appear.
const LEFT_OUT: Signature[] = [
  { id: id(11), first: 'Hidden', last: 'Unconfirmed', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-02T12:00:00Z', confirmedAt: null },
  { id: id(12), first: 'Erased', last: 'Person', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-02T12:00:00Z', erased: 'row kept' },
  { id: id(13), first: 'Gone', last: 'Entirely', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-02T12:00:00Z', erased: 'supporter gone' },
  { id: id(14), first: 'Letter', last: 'Writer', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-02T12:00:00Z', campaign: 'xinjiang' },
  // Confirmed after the bundle was made: in neither the totals nor the list.
  { id: id(15), first: 'Late', last: 'Confirmer', city: 'Toronto', province: 'ON', district: 'Spadina—Harbourfront', at: '2025-03-02T12:00:00Z', confirmedAt: '2999-01-01T00:00:00Z' },
];

const emailOf = (s: Signature) => `${s.first.replace(/\W/g, '').toLowerCase() || 'x'}.${s.id.slice(-4)}@example.com`;
const SECRETS = ['@example.com', 'M5V', '12 Secret Street'];

async function sign(service: TestService, s: Signature): Promise<void> {
  const supporterId = randomUUID();
  if (s.erased !== 'supporter gone') {
    await service.deps.db.query(
      `INSERT INTO supporters (id, email, email_key, first_name, last_name, address, city, province, postal_code)
       VALUES ($1, $2, $2, $3, $4, '12 Secret Street', $5, $6, 'M5V 3L9')`,
      [supporterId, emailOf(s), s.first, s.last, s.city, s.province],
    );
  }
  await service.deps.db.query(
    `INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, created_at, confirmed_at, erased_at)
     VALUES ($1, $2, $3, 'secret-token', 'en', $4, $5, $6, $7, $8, $9)`,
    [
      s.id,
      s.campaign ?? SLUG,
      s.erased === 'supporter gone' ? null : supporterId,
      s.erased === 'supporter gone' ? null : 'M5V 3L9',
      s.province,
      s.district,
      s.at,
      s.confirmedAt === undefined ? s.at : s.confirmedAt,
      s.erased ? '2025-04-01T00:00:00Z' : null,
    ],
  );
}

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN } });
  for (const s of [...SIGNERS, ...LEFT_OUT]) await sign(service, s);
});
afterAll(() => service.close());

describe('petition bundle: who may ask, for what', () => {
  it('refuses a missing or wrong token with 401', async () => {
    const missing = await request(service.app).get(BUNDLE).expect(401);
    expect(missing.body.error.code).toBe('unauthorized');
    await request(service.app).get(BUNDLE).set({ Authorization: 'Bearer wrong' }).expect(401);
    await request(service.app).get(`${BUNDLE}?format=csv`).expect(401);
  });

  it('answers 404 for an unknown campaign and 409 not_a_petition for a letter campaign', async () => {
    const unknown = await request(service.app).get('/api/admin/campaigns/nope/bundle').set(auth).expect(404);
    expect(unknown.body.error.code).toBe('campaign_not_found');
    for (const format of ['html', 'csv', 'totals.csv']) {
      const letters = await request(service.app).get('/api/admin/campaigns/xinjiang/bundle').query({ format }).set(auth).expect(409);
      expect(letters.body.error.code).toBe('not_a_petition');
    }
  });

  it('answers 400 validation_failed for an unknown format', async () => {
    for (const query of ['format=pdf', 'format=', 'format=CSV', 'format=csv&format=html']) {
      const res = await request(service.app).get(`${BUNDLE}?${query}`).set(auth).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.fields)).toEqual(['format']);
    }
  });
});

describe('petition bundle: the printable document', () => {
  it('has the letter, the totals and every confirmed signer, escaped, and nothing private', async () => {
    const res = await request(service.app).get(BUNDLE).set(auth).expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${SLUG}-petition.html"`);
    const html = res.text;

    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<title>Petition: release the people detained in Xinjiang&#39;s internment camps and prisons</title>');
    expect(html).toContain('Dear President Xi Jinping, Mr. Ma Xingrui and Mr. Erkin Tuniyaz,');
    expect(html).toContain('The undersigned');
    expect(html).toContain('<h2 id="count">6 signatures</h2>');
    // Totals by province and by riding, the unknown last.
    expect(html).toContain('<tr><th scope="row">ON</th><td class="num">3</td></tr>\n<tr><th scope="row">QC</th><td class="num">2</td></tr>\n<tr><th scope="row">Not given</th><td class="num">1</td></tr>');
    expect(html).toContain('<tr><th scope="row">Spadina—Harbourfront</th><td>ON</td><td class="num">2</td></tr>');
    expect(html).toContain('<tr><th scope="row">Lévis—Lotbinière</th><td>QC</td><td class="num">1</td></tr>');
    expect(html).toContain('<tr><th scope="row">Not known</th><td>ON</td><td class="num">1</td></tr>');

    // Every signer, in signing order, every value escaped.
    expect(html).toContain(
      '<tr><td class="num">1</td><td>Mei</td><td>Tursun</td><td>Toronto</td><td>ON</td><td>Spadina—Harbourfront</td><td>2025-02-28</td></tr>',
    );
    expect(html).toContain(
      '<tr><td class="num">2</td><td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><td>O&#39;Brien &amp; Sons</td><td>&#61;HYPERLINK(&quot;http://evil&quot;)</td><td>ON</td><td></td><td>2025-03-02</td></tr>',
    );
    expect(html).toContain('<tr><td class="num">5</td><td>Sam</td><td>Lee</td><td></td><td></td><td></td><td>2025-03-03</td></tr>');
    const order = ['Tursun', 'O&#39;Brien', 'Lévesque-Bélanger', 'Côté', '<td>Lee</td>', 'Khan'].map((name) => html.indexOf(name));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(html.match(/<tr><td class="num">/g)).toHaveLength(6);
    expect(html).toContain('End of the list: 6 signatures.');
    expect(html).toMatch(/<\/html>\n$/);

    expect(html).not.toContain('<script');
    for (const secret of [...SECRETS, 'Hidden', 'Unconfirmed', 'Erased', 'Entirely', 'Letter Writer', 'Writer', 'Late', 'Confirmer']) {
      expect({ secret, found: html.includes(secret) }).toEqual({ secret, found: false });
    }
    // The CSP allows only 'self' styles: no inline style, one stylesheet served with the others.
    expect(html).not.toMatch(/<style|style=/i);
    expect(html).toContain('<link rel="stylesheet" href="/assets/bundle.css">');
    const css = await request(service.app).get('/assets/bundle.css').expect(200);
    expect(css.headers['content-type']).toMatch(/text\/css/);
    expect(css.text).toContain('@media print');
  });

  it('speaks French with ?lang=fr', async () => {
    const res = await request(service.app).get(BUNDLE).query({ lang: 'fr' }).set(auth).expect(200);
    const html = res.text;
    expect(html).toMatch(/<html lang="fr">/);
    expect(html).toContain('Monsieur le Président Xi Jinping, Monsieur Ma Xingrui et Monsieur Erkin Tuniyaz,');
    expect(html).toContain('<title>Pétition : libérez les personnes détenues');
    expect(html).toContain('<h2 id="count">6 signatures</h2>');
    expect(html).toContain('<h2 id="signers">Signataires</h2>');
    expect(html).toContain('<th scope="col">Prénom</th>');
    expect(html).toContain('<th scope="col">Circonscription</th>');
    expect(html).toContain('<th scope="row">Non indiquée</th>');
    expect(html).toContain('<td>Zoé</td><td>Lévesque-Bélanger</td><td>Québec</td><td>QC</td><td>Portneuf—Jacques-Cartier</td>');
    expect(html).toContain('Fin de la liste\u00a0: 6 signatures.');
    expect(html).toContain('Préparé par Organisation exemple de défense des droits de la personne le ');
  });
});

describe('petition bundle: CSV', () => {
  it('lists every confirmed signer after a header, formulas defused, nothing private', async () => {
    const res = await request(service.app).get(BUNDLE).query({ format: 'csv' }).set(auth).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${SLUG}-petition.csv"`);
    expect(res.text).toBe(
      [
        '\uFEFFfirst_name,last_name,city,province,riding,date_signed',
        'Mei,Tursun,Toronto,ON,Spadina—Harbourfront,2025-02-28',
        `"<script>alert(""x"")</script>",O'Brien & Sons,"'=HYPERLINK(""http://evil"")",ON,,2025-03-02`,
        'Zoé,Lévesque-Bélanger,Québec,QC,Portneuf—Jacques-Cartier,2025-03-03',
        'Émile,Côté,Lévis,QC,Lévis—Lotbinière,2025-03-03',
        'Sam,Lee,,,,2025-03-03',
        'Ahmed,Khan,Toronto,ON,Spadina—Harbourfront,2025-03-05',
        '',
      ].join('\n'),
    );
  });

  it('gives the totals: all, by province, by riding', async () => {
    const res = await request(service.app).get(BUNDLE).query({ format: 'totals.csv', lang: 'fr' }).set(auth).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${SLUG}-petition-totals.csv"`);
    expect(res.text).toBe(
      [
        '\uFEFFscope,province,riding,signatures',
        'total,,,6',
        'province,ON,,3',
        'province,QC,,2',
        'province,,,1',
        'riding,ON,Spadina—Harbourfront,2',
        'riding,QC,Lévis—Lotbinière,1',
        'riding,QC,Portneuf—Jacques-Cartier,1',
        'riding,ON,,1',
        'riding,,,1',
        '',
      ].join('\n'),
    );
  });

  it('pages through ties and microseconds with its keyset, whatever the batch size', async () => {
    const store = signaturesRepo(service.deps.db);
    const names = async (batchSize: number) => {
      const seen: string[] = [];
      for await (const s of store.signatures(SLUG, batchSize, new Date())) seen.push(s.lastName);
      return seen;
    };
    const expected = SIGNERS.map((s) => s.last);
    for (const batchSize of [1, 2, 3, 5, 6, 1000]) expect(await names(batchSize)).toEqual(expected);
    // Without a cutoff, the late confirmer counts too.
    expect((await store.totals(SLUG)).signatures).toBe(7);
    expect((await store.totals(SLUG, new Date())).signatures).toBe(6);
  });
});

describe('petition bundle: the database failing midway', () => {
  it.each([
    ['html', (res: express.Response, bundle: PetitionBundle) => sendBundleHtml(res, bundle, service.deps.pages)],
    ['csv', sendBundleCsv],
  ])('cuts the %s download short (it cannot pass for complete) and logs the error', async (_format, sendBundle) => {
    const logged: string[] = [];
    const app = express();
    app.get('/bundle', async (_req, res) => {
      const signers = (async function* (): AsyncGenerator<Signer> {
        for (let n = 1; n <= 5000; n += 1) yield { firstName: `Signer${n}`, lastName: 'Lee', city: 'Toronto', province: 'ON', district: null, signedAt: new Date() };
        throw new Error('connection to the database lost');
      })();
      const bundle: PetitionBundle = {
        campaign: service.deps.campaigns.catalog.get(SLUG),
        locale: 'en',
        letter: { subject: 'Title', text: 'Letter', html: '<p>Letter</p>' },
        totals: { signatures: 10_000, byProvince: [{ province: 'ON', signatures: 10_000 }], byDistrict: [{ district: null, province: 'ON', signatures: 10_000 }] },
        signers,
        generatedAt: new Date(),
      };
      await sendBundle(res, bundle);
    });
    app.use(errorHandler(createLogger('error', { write: (line: string) => void logged.push(line) })));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    const outcome = await new Promise<{ status: number; complete: boolean; body: string }>((resolve) => {
      http
        .get({ port, path: '/bundle' }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('error', () => undefined);
          response.on('close', () => resolve({ status: response.statusCode ?? 0, complete: response.complete, body }));
        })
        .on('error', () => resolve({ status: 0, complete: false, body: '' }));
    });
    server.close();
    expect(outcome.status).toBe(200);
    expect(outcome.complete).toBe(false);
    expect(outcome.body).toContain('Signer1');
    expect(outcome.body).not.toContain('</html>');
    expect(logged.join('')).toContain('connection to the database lost');
  });
});

describe('petition bundle: 100,000 signatures', () => {
  let big: TestService;
  const COUNT = 100_000;
  beforeAll(async () => {
    big = await startTestService({ workers: false, env: { ADMIN_TOKEN: TOKEN }, represent: service.represent, sendgrid: service.sendgrid });
    await big.deps.db.query(
      `WITH s AS (
         INSERT INTO supporters (id, email, email_key, first_name, last_name, address, city, province, postal_code, created_at)
         SELECT gen_random_uuid(), 'bulk' || g || '@example.com', 'bulk' || g || '@example.com', 'Signataire' || g,
                CASE WHEN g % 1000 = 0 THEN '=cmd|'' /C calc''!A0' ELSE 'Côté-Lévesque' END, '12 Secret Street', 'Montréal',
                CASE WHEN g % 2 = 0 THEN 'QC' ELSE 'ON' END, 'H2X 1Y4', timestamptz '2025-01-01T00:00:00Z' + g * interval '1 second'
           FROM generate_series(1, $1::int) AS g
         RETURNING id, province, created_at
       )
       INSERT INTO actions (id, campaign_slug, supporter_id, token, locale, postal_code, province, district, created_at, confirmed_at)
       SELECT gen_random_uuid(), '${SLUG}', s.id, 'secret-token', 'en', 'H2X 1Y4', s.province,
              CASE WHEN s.province = 'QC' THEN 'Laurier—Sainte-Marie' ELSE 'Spadina—Harbourfront' END, s.created_at, s.created_at
         FROM s`,
      [COUNT],
    );
    // As autovacuum would have by now on a petition that grew over weeks.
    await big.deps.db.query('ANALYZE actions, supporters');
  }, 120_000);
  afterAll(() => big.close());

  const download = async (path: string, onLine: (line: string) => void) => {
    const got = await streamedDownload(big.app, path, auth, onLine);
    return { bytes: got.bytes, growth: got.heapGrowth, status: got.status, head: got.head };
  };

  it('streams the HTML document with flat memory', async () => {
    let rows = 0;
    let last = '';
    let closing = '';
    let leaks = 0;
    const { bytes, growth, status, head } = await download(BUNDLE, (line) => {
      if (line.startsWith('<tr><td class="num">')) {
        rows += 1;
        last = line;
      }
      if (line.includes('End of the list')) closing = line;
      if (SECRETS.some((secret) => line.includes(secret))) leaks += 1;
    });
    expect(status).toBe(200);
    expect(head).toContain('<h2 id="count">100,000 signatures</h2>');
    expect(head).toContain('<tr><th scope="row">Laurier—Sainte-Marie</th><td>QC</td><td class="num">50,000</td></tr>');
    expect(rows).toBe(COUNT);
    expect(last).toBe(`<tr><td class="num">100000</td><td>Signataire100000</td><td>&#61;cmd|&#39; /C calc&#39;!A0</td><td>Montréal</td><td>QC</td><td>Laurier—Sainte-Marie</td><td>2025-01-01</td></tr>`);
    expect(closing).toBe('<p>End of the list: 100,000 signatures.</p>');
    expect(leaks).toBe(0);
    expect(bytes).toBeGreaterThan(15_000_000);
    expect(growth).toBeLessThan(bytes / 4);
  }, 120_000);

  it('streams the CSV with flat memory, formulas defused', async () => {
    let lines = 0;
    let defused = 0;
    let leaks = 0;
    const { bytes, growth, status, head } = await download(`${BUNDLE}?format=csv`, (line) => {
      lines += 1;
      if (line.includes(",'=cmd|' /C calc'!A0,")) defused += 1;
      if (SECRETS.some((secret) => line.includes(secret))) leaks += 1;
    });
    expect(status).toBe(200);
    expect(head.split('\n')[0]).toBe('\uFEFFfirst_name,last_name,city,province,riding,date_signed');
    expect(head.split('\n')[1]).toBe('Signataire1,Côté-Lévesque,Montréal,ON,Spadina—Harbourfront,2024-12-31');
    expect(lines).toBe(1 + COUNT);
    expect(defused).toBe(COUNT / 1000);
    expect(leaks).toBe(0);
    expect(growth).toBeLessThan(bytes / 4);
  }, 120_000);

  it('stops reading the database when the campaigner closes the download midway', async () => {
    // The server's side of the download: its answer closes when the campaigner goes.
    let answerClosed: Promise<unknown> | undefined;
    const server = http
      .createServer((req, res) => {
        answerClosed = once(res, 'close');
        big.app(req, res);
      })
      .listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    // Count the batches read from the database, and keep the queries still running.
    const db = big.deps.db;
    const query = db.query.bind(db);
    let batches = 0;
    const running = new Set<Promise<unknown>>();
    db.query = ((sql: string, params?: unknown[]) => {
      if (sql.includes('ORDER BY a.created_at, a.id')) batches += 1;
      const result = query(sql, params);
      running.add(result);
      const forget = () => running.delete(result);
      result.then(forget, forget);
      return result;
    }) as typeof db.query;
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ port, path: `${BUNDLE}?format=csv`, headers: auth }, (response) => {
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > 100_000) {
            req.destroy();
            resolve();
          }
        });
        response.on('end', () => reject(new Error('the whole download arrived before it was closed')));
      });
      req.on('error', () => undefined);
    });
    // The server sees the close; the reader then stops at its next row, once the queries it had
    // running have answered (and the ones those lead to: a batch's names).
    await answerClosed;
    while (running.size > 0) {
      await Promise.allSettled([...running]);
      await new Promise((r) => setImmediate(r));
    }
    const afterClose = batches;
    // Another request through the same service and database: the stopped reader reads nothing meanwhile.
    const res = await request(big.app).get(BUNDLE).query({ format: 'totals.csv' }).set(auth).expect(200);
    db.query = query;
    server.close();
    // 100 batches make the whole list; reading stopped soon after the close, and stayed stopped.
    expect(afterClose).toBeGreaterThan(0);
    expect(afterClose).toBeLessThan(50);
    expect(batches).toBe(afterClose);
    // The service is still fine afterwards.
    expect(res.text).toContain('total,,,100000');
  }, 60_000);
});
