// A petition's delivery bundle as a printable HTML document or as CSV. The letter and the totals
// come first; the signers are streamed from the database in batches straight into the response,
// so memory stays flat whatever the petition's size. Names, cities and ridings are typed by
// supporters: every value is HTML-escaped, and CSV cells that would start a formula are defused.
// Only what the supporter agreed to hand over leaves: no email, no postal code, no address.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Response } from 'express';
import type { Locale } from '../domain/campaign';
import type { PetitionBundle, Signer } from '../domain/petitionBundle';
import { longDate } from '../domain/letters';
import { defuse } from './csvExport';

export const BUNDLE_FORMATS = ['html', 'csv', 'totals.csv'] as const;
export type BundleFormat = (typeof BUNDLE_FORMATS)[number];

const SIGNER_COLUMNS = ['first_name', 'last_name', 'city', 'province', 'riding', 'date_signed'];
const TOTALS_COLUMNS = ['scope', 'province', 'riding', 'signatures'];

interface Labels {
  signatures(count: string, n: number): string;
  letter: string;
  byProvince: string;
  byDistrict: string;
  province: string;
  riding: string;
  count: string;
  total: string;
  signers: string;
  number: string;
  firstName: string;
  lastName: string;
  city: string;
  signedOn: string;
  noProvince: string;
  noRiding: string;
  none: string;
  end(count: string, n: number): string;
  prepared(organisation: string, date: string): string;
}

const LABELS: Record<Locale, Labels> = {
  en: {
    signatures: (count, n) => `${count} ${n === 1 ? 'signature' : 'signatures'}`,
    letter: 'Letter',
    byProvince: 'Signatures by province',
    byDistrict: 'Signatures by riding',
    province: 'Province',
    riding: 'Riding',
    count: 'Signatures',
    total: 'Total',
    signers: 'Signers',
    number: 'No.',
    firstName: 'First name',
    lastName: 'Last name',
    city: 'City',
    signedOn: 'Date signed',
    noProvince: 'Not given',
    noRiding: 'Not known',
    none: 'No signatures yet.',
    end: (count, n) => `End of the list: ${count} ${n === 1 ? 'signature' : 'signatures'}.`,
    prepared: (organisation, date) => `Prepared by ${organisation} on ${date}.`,
  },
  fr: {
    // En français, 0 et 1 sont au singulier.
    signatures: (count, n) => `${count} ${n <= 1 ? 'signature' : 'signatures'}`,
    letter: 'Lettre',
    byProvince: 'Signatures par province',
    byDistrict: 'Signatures par circonscription',
    province: 'Province',
    riding: 'Circonscription',
    count: 'Signatures',
    total: 'Total',
    signers: 'Signataires',
    number: 'No',
    firstName: 'Prénom',
    lastName: 'Nom',
    city: 'Ville',
    signedOn: 'Date de signature',
    noProvince: 'Non indiquée',
    noRiding: 'Inconnue',
    none: 'Aucune signature pour le moment.',
    end: (count, n) => `Fin de la liste\u00a0: ${count} ${n <= 1 ? 'signature' : 'signatures'}.`,
    prepared: (organisation, date) => `Préparé par ${organisation} le ${date}.`,
  },
};

const NUMBERS: Record<Locale, Intl.NumberFormat> = { en: new Intl.NumberFormat('en-CA'), fr: new Intl.NumberFormat('fr-CA') };
// Days in Eastern time, where the House sits (as the dashboard counts them).
const DAY_PARTS = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'America/Toronto' });

/** YYYY-MM-DD in Eastern time. Signers come in time order: the day is worked out once an hour (Toronto's offsets are whole hours). */
export const signedOn = (() => {
  let hour = NaN;
  let day = '';
  return (at: Date): string => {
    const thisHour = Math.floor(at.getTime() / 3_600_000);
    if (thisHour !== hour) {
      const parts = Object.fromEntries(DAY_PARTS.formatToParts(at).map((p) => [p.type, p.value]));
      [hour, day] = [thisHour, `${parts.year}-${parts.month}-${parts.day}`];
    }
    return day;
  };
})();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;' };
export const escapeHtml = (value: string | number | null | undefined): string => String(value ?? '').replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);

/** The letter's paragraphs, without the stand-alone email document around them (its inline style would break the CSP). */
const letterBody = (html: string): string => /<body[^>]*>([\s\S]*?)<\/body>/i.exec(html)?.[1]?.trim() ?? html;

function headers(res: Response, type: string, disposition: string): void {
  res.status(200).type(type).set({ 'Content-Disposition': disposition, 'Cache-Control': 'no-store' });
}

/**
 * Pipes the stream (through a CSV writer, if given) into the response, in chunks of about 16 KB:
 * one socket write per chunk, not per row. The database failing midway is an error (the
 * response is cut short, so the download cannot pass for complete); the campaigner closing the
 * download is not.
 */
async function send(res: Response, source: AsyncIterable<unknown>, csv?: Stringifier): Promise<void> {
  const failure: { error?: unknown } = {};
  const watched = (async function* () {
    try {
      yield* source;
    } catch (error) {
      failure.error = error;
      throw error;
    }
  })();
  const input = Readable.from(watched);
  try {
    await (csv ? pipeline(input, csv.setEncoding('utf8'), chunked, res) : pipeline(input, chunked, res));
  } catch (error) {
    if (failure.error !== undefined) throw failure.error;
    // The campaigner closed the download: nothing to answer any more.
    if (!res.destroyed) throw error;
  }
}

const CHUNK = 16 * 1024;

async function* chunked(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= CHUNK) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

function totalsTables(bundle: PetitionBundle, t: Labels, number: (n: number) => string): string {
  const { totals } = bundle;
  const provinceRows = totals.byProvince
    .map((r) => `<tr><th scope="row">${escapeHtml(r.province ?? t.noProvince)}</th><td class="num">${number(r.signatures)}</td></tr>`)
    .join('\n');
  const districtRows = totals.byDistrict
    .map(
      (r) =>
        `<tr><th scope="row">${escapeHtml(r.district ?? t.noRiding)}</th><td>${escapeHtml(r.province ?? t.noProvince)}</td><td class="num">${number(r.signatures)}</td></tr>`,
    )
    .join('\n');
  const total = (span: number) =>
    `<tfoot><tr><th scope="row"${span > 1 ? ` colspan="${span}"` : ''}>${t.total}</th><td class="num">${number(totals.signatures)}</td></tr></tfoot>`;
  return `<table class="totals">
<caption>${t.byProvince}</caption>
<thead><tr><th scope="col">${t.province}</th><th scope="col" class="num">${t.count}</th></tr></thead>
<tbody>
${provinceRows}
</tbody>
${total(1)}
</table>
<table class="totals">
<caption>${t.byDistrict}</caption>
<thead><tr><th scope="col">${t.riding}</th><th scope="col">${t.province}</th><th scope="col" class="num">${t.count}</th></tr></thead>
<tbody>
${districtRows}
</tbody>
${total(2)}
</table>`;
}

async function* htmlDocument(bundle: PetitionBundle): AsyncGenerator<string> {
  const { campaign, locale, letter, totals } = bundle;
  const t = LABELS[locale];
  const number = (n: number) => NUMBERS[locale].format(n);
  const organisation = campaign.organisation.name[locale];
  yield `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(letter.subject)}</title>
<link rel="stylesheet" href="/assets/bundle.css">
</head>
<body>
<main class="bundle">
<header class="bundle-head">
<p class="organisation">${escapeHtml(organisation)}</p>
<h1>${escapeHtml(letter.subject)}</h1>
</header>
<section class="letter" aria-label="${t.letter}">
${letterBody(letter.html)}
</section>
<section class="summary" aria-labelledby="count">
<h2 id="count">${t.signatures(number(totals.signatures), totals.signatures)}</h2>
${totalsTables(bundle, t, number)}
</section>
<section class="signers" aria-labelledby="signers">
<h2 id="signers">${t.signers}</h2>
<table class="list">
<thead><tr><th scope="col" class="num">${t.number}</th><th scope="col">${t.firstName}</th><th scope="col">${t.lastName}</th><th scope="col">${t.city}</th><th scope="col">${t.province}</th><th scope="col">${t.riding}</th><th scope="col">${t.signedOn}</th></tr></thead>
<tbody>
`;
  let listed = 0;
  for await (const s of bundle.signers) {
    listed += 1;
    yield `<tr><td class="num">${listed}</td><td>${escapeHtml(s.firstName)}</td><td>${escapeHtml(s.lastName)}</td><td>${escapeHtml(s.city)}</td><td>${escapeHtml(s.province)}</td><td>${escapeHtml(s.district)}</td><td>${signedOn(s.signedAt)}</td></tr>\n`;
  }
  if (listed === 0) yield `<tr><td colspan="7">${t.none}</td></tr>\n`;
  yield `</tbody>
</table>
</section>
<footer class="closing">
<p>${escapeHtml(t.end(number(listed), listed))}</p>
<p>${escapeHtml(t.prepared(organisation, longDate(locale, bundle.generatedAt)))}</p>
</footer>
</main>
</body>
</html>
`;
}

/** The printable document: letter, totals, every signer. Shown in the browser (print it from there). */
export async function sendBundleHtml(res: Response, bundle: PetitionBundle): Promise<void> {
  headers(res, 'text/html; charset=utf-8', `inline; filename="${bundle.campaign.slug}-petition.html"`);
  await send(res, htmlDocument(bundle));
}

const signerCells = (s: Signer): string[] => [s.firstName, s.lastName, s.city, s.province, s.district, signedOn(s.signedAt)].map(defuse);

/** One row a signer, in signing order, after a header row. */
export async function sendBundleCsv(res: Response, bundle: PetitionBundle): Promise<void> {
  headers(res, 'text/csv; charset=utf-8', `attachment; filename="${bundle.campaign.slug}-petition.csv"`);
  const rows = (async function* () {
    for await (const signer of bundle.signers) yield signerCells(signer);
  })();
  await send(res, rows, stringify({ header: true, columns: SIGNER_COLUMNS, bom: true }));
}

/** The total, then one row a province, then one row a riding (empty cells where not known). */
export async function sendBundleTotalsCsv(res: Response, bundle: PetitionBundle): Promise<void> {
  headers(res, 'text/csv; charset=utf-8', `attachment; filename="${bundle.campaign.slug}-petition-totals.csv"`);
  const { totals } = bundle;
  const rows = [
    ['total', null, null, totals.signatures],
    ...totals.byProvince.map((r) => ['province', r.province, null, r.signatures]),
    ...totals.byDistrict.map((r) => ['riding', r.province, r.district, r.signatures]),
  ].map((row) => row.map(defuse));
  await send(res, Readable.from(rows), stringify({ header: true, columns: TOTALS_COLUMNS, bom: true }));
}

export const BUNDLE_SENDERS: Record<BundleFormat, (res: Response, bundle: PetitionBundle) => Promise<void>> = {
  html: sendBundleHtml,
  csv: sendBundleCsv,
  'totals.csv': sendBundleTotalsCsv,
};
