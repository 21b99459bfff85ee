// Server-rendered pages: Handlebars templates under templates/pages, with the page text of each
// language from templates/i18n/<lang>.json. Compiled once at start; escaping is on.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../domain/campaign';
import { LOCALES } from '../domain/campaign';

export type PageText = Record<string, unknown> & {
  form: Record<string, string>;
  status: Record<string, string> & { words: Record<string, string> };
  counter: { one: string; other: string };
};

export interface PageRenderer {
  text(locale: Locale): PageText;
  render(page: PageName, locale: Locale, model: Record<string, unknown> & { layout: LayoutModel }): string;
}

export type PageName = 'action' | 'petition' | 'closed' | 'confirm' | 'status' | 'message' | 'admin/login' | 'admin/home' | 'admin/letter';

export interface LayoutModel {
  title: string;
  organisation: string;
  footer: string;
  skipTarget: string;
  skipLabel: string;
  /** The language switch; the campaigners' pages are in English only. */
  otherLanguage?: { code: Locale; name: string; href: string };
  pageData?: unknown;
  /** Signed-in campaigner, for the log-out form. */
  admin?: { name: string; csrf: string };
  wide?: boolean;
}

/** Fills `{name}` placeholders of page text. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));

// JSON inside <script type="application/json">: `<` escaped so no text can close the element.
const safeJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

export function pageRenderer(templatesDir: string): PageRenderer {
  const env = Handlebars.create();
  const pagesDir = path.join(templatesDir, 'pages');
  const read = (name: string) => fs.readFileSync(path.join(pagesDir, `${name}.hbs`), 'utf8');
  env.registerPartial('field', read('field'));
  env.registerPartial('mpCard', read('mpCard'));
  env.registerPartial('counter', read('counter'));
  // preventIndent: an indented partial call must not indent a textarea's text on every line.
  const compile = (source: string) => env.compile(source, { preventIndent: true });
  const layout = compile(read('layout'));
  const names: PageName[] = ['action', 'petition', 'closed', 'confirm', 'status', 'message', 'admin/login', 'admin/home', 'admin/letter'];
  const pages = Object.fromEntries(names.map((name) => [name, compile(read(name))])) as Record<PageName, HandlebarsTemplateDelegate>;
  const texts = Object.fromEntries(
    LOCALES.map((locale) => [locale, JSON.parse(fs.readFileSync(path.join(templatesDir, 'i18n', `${locale}.json`), 'utf8')) as PageText]),
  ) as Record<Locale, PageText>;

  return {
    text: (locale) => texts[locale],
    render(page, locale, model) {
      const body = pages[page]({ ...model, lang: locale, text: texts[locale] });
      const { pageData, ...chrome } = model.layout;
      return layout({ ...chrome, lang: locale, body, pageData: pageData === undefined ? undefined : safeJson(pageData) });
    },
  };
}
