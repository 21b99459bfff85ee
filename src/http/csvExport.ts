// One row per letter, streamed from the database in batches straight into the response: memory
// stays flat whatever the campaign's size. Cells that a spreadsheet would run as a formula are
// defused with a leading apostrophe (OWASP "CSV injection").
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import type { ExportRow, SupporterRow } from '../adapters/store/adminRepo';

const COLUMNS: Array<keyof ExportRow> = [
  'letter_id', 'created_at', 'target', 'recipient_name', 'recipient_email', 'district', 'province', 'subject', 'status', 'reason',
  'attempts', 'updated_at', 'supporter_first_name', 'supporter_last_name', 'supporter_email', 'supporter_city',
  'supporter_postal_code', 'consent_updates',
  // Added with every level of government: at the end, so spreadsheets reading by position keep working.
  'level', 'office',
  // Where the supporter came from (utm_source, utm_medium) and whether through another supporter's share.
  'source', 'medium', 'from_share',
];

/** =, +, -, @, tab and carriage return start a formula in common spreadsheets. */
export function defuse(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

export const sendCsv = (res: Response, filename: string, rows: AsyncIterable<ExportRow>) => sendRows(res, filename, COLUMNS, rows);

/** One row per supporter, for the organisation's CRM (API: supporters.csv). */
const SUPPORTER_COLUMNS: Array<keyof SupporterRow> = [
  'first_name', 'last_name', 'email', 'postal_code', 'riding', 'province', 'language', 'acted_at',
  'updates', 'updates_agreed_at', 'updates_withdrawn_at', 'updates_wording_sha256',
  'source', 'medium', 'utm_campaign', 'utm_content', 'src', 'from_share',
];
export const sendSupportersCsv = (res: Response, filename: string, rows: AsyncIterable<SupporterRow>) => sendRows(res, filename, SUPPORTER_COLUMNS, rows);

async function sendRows<Row>(res: Response, filename: string, columns: Array<keyof Row>, rows: AsyncIterable<Row>): Promise<void> {
  res.status(200).type('text/csv; charset=utf-8').set({
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  });
  const cells = Readable.from(
    (async function* () {
      for await (const row of rows) yield columns.map((column) => defuse(row[column]));
    })(),
  );
  try {
    await pipeline(cells, stringify({ header: true, columns: columns as string[], bom: true }), res);
  } catch (error) {
    // The campaigner closed the download: nothing to answer any more.
    if (!res.headersSent || !res.destroyed) throw error;
  }
}
