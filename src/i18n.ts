// All the words people read: templates/i18n/<locale>.json, one file per language, read once.
// Pages, dashboard, petition bundle and error messages all take their text from here, so a
// translator edits two files and nothing else.
import fs from 'node:fs';
import path from 'node:path';
import { LOCALES, type Locale } from './domain/campaign';
import { TEMPLATES_DIR } from './paths';

type Plural = { one: string; other: string };

/** The page text of one language. Sections are typed where code reads them by name. */
export type PageText = Record<string, unknown> & {
  form: Record<string, string>;
  status: Record<string, string> & { words: Record<string, string>; wordsOutbox: Record<string, string> };
  counter: Plural;
  /** Error code → sentence (src/http/errorResponse.ts decides which codes exist). */
  errors: Record<string, string>;
  /** `<field>.<problem>`, falling back to `<problem>`. */
  fieldErrors: Record<string, string>;
};

const TEXTS = Object.fromEntries(
  LOCALES.map((locale) => [locale, JSON.parse(fs.readFileSync(path.join(TEMPLATES_DIR, 'i18n', `${locale}.json`), 'utf8')) as PageText]),
) as Record<Locale, PageText>;

export const textOf = (locale: Locale): PageText => TEXTS[locale];

/** Fills `{name}` placeholders of page text. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));

/** "your councillor" → "Your councillor", where a label starts a line. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
