// A petition's delivery bundle as a printable HTML document (templates/pages/bundle.hbs) or as
// CSV. The letter and the totals come first; the signers are streamed from the database in
// batches straight into the response, so memory stays flat whatever the petition's size. Names,
// cities and ridings are typed by supporters: every value is HTML-escaped here, the document's
// and the rows' alike, and CSV cells that would start a formula are defused. Only what the
// supporter agreed to hand over leaves: no email, no postal code, no address.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Response } from 'express';
import type { PetitionBundle, Signer } from '../domain/petitionBundle';
import { longDate } from '../domain/letters';
import type { PageRenderer } from '../adapters/pages';
import { fill } from '../i18n';
import { defuse } from './csvExport';
import { formatNumber, plural, type Plural } from './pages/layout';

export const BUNDLE_FORMATS = ['html', 'csv', 'totals.csv'] as const;
export type BundleFormat = (typeof BUNDLE_FORMATS)[number];

const SIGNER_COLUMNS = ['first_name', 'last_name', 'city', 'province', 'riding', 'date_signed'];
const TOTALS_COLUMNS = ['scope', 'province', 'riding', 'signatures'];

interface BundleText {
  signatures: Plural;
  noProvince: string;
  noRiding: string;
  none: string;
  end: Plural;
  prepared: string;
}

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

// The template's two places for what is only known while streaming.
const ROWS = 'SIGNER_ROWS';
const END = 'END_OF_LIST';

/** The document around the signers, from templates/pages/bundle.hbs: its head (letter, totals) and its tail. */
function documentParts(renderer: PageRenderer, bundle: PetitionBundle): { head: string; tail: (listed: number) => string } {
  const { campaign, locale, letter, totals } = bundle;
  const t = renderer.text(locale).bundle as BundleText;
  const number = (n: number) => formatNumber(locale, n);
  const organisation = campaign.organisation.name[locale];
  const html = renderer.document('bundle', locale, {
    title: escapeHtml(letter.subject),
    organisation: escapeHtml(organisation),
    letter: letterBody(letter.html),
    count: plural(locale, t.signatures, totals.signatures),
    total: number(totals.signatures),
    provinces: totals.byProvince.map((r) => ({ province: escapeHtml(r.province ?? t.noProvince), signatures: number(r.signatures) })),
    districts: totals.byDistrict.map((r) => ({
      district: escapeHtml(r.district ?? t.noRiding),
      province: escapeHtml(r.province ?? t.noProvince),
      signatures: number(r.signatures),
    })),
    prepared: escapeHtml(fill(t.prepared, { organisation, date: longDate(locale, bundle.generatedAt) })),
  });
  const [head, rest] = html.split(ROWS);
  return { head, tail: (listed) => (listed === 0 ? `<tr><td colspan="7">${escapeHtml(t.none)}</td></tr>\n` : '') + rest.replace(END, escapeHtml(plural(locale, t.end, listed))) };
}

async function* htmlDocument(renderer: PageRenderer, bundle: PetitionBundle): AsyncGenerator<string> {
  const { head, tail } = documentParts(renderer, bundle);
  yield head;
  let listed = 0;
  for await (const s of bundle.signers) {
    listed += 1;
    yield `<tr><td class="num">${listed}</td><td>${escapeHtml(s.firstName)}</td><td>${escapeHtml(s.lastName)}</td><td>${escapeHtml(s.city)}</td><td>${escapeHtml(s.province)}</td><td>${escapeHtml(s.district)}</td><td>${signedOn(s.signedAt)}</td></tr>\n`;
  }
  yield tail(listed);
}

/** The printable document: letter, totals, every signer. Shown in the browser (print it from there). */
export async function sendBundleHtml(res: Response, bundle: PetitionBundle, renderer: PageRenderer): Promise<void> {
  headers(res, 'text/html; charset=utf-8', `inline; filename="${bundle.campaign.slug}-petition.html"`);
  await send(res, htmlDocument(renderer, bundle));
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

export const BUNDLE_SENDERS: Record<BundleFormat, (res: Response, bundle: PetitionBundle, renderer: PageRenderer) => Promise<void>> = {
  html: sendBundleHtml,
  csv: sendBundleCsv,
  'totals.csv': sendBundleTotalsCsv,
};
