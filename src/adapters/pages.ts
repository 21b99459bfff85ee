// Server-rendered pages: Handlebars templates under templates/pages, with the page text of each
// language (src/i18n.ts). Compiled once at start; escaping is on.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../domain/campaign';
import { textOf, type PageText } from '../i18n';

export type { PageText };

export interface PageRenderer {
  text(locale: Locale): PageText;
  /** A page inside the common layout (header, language switch, footer). */
  render(page: PageName, locale: Locale, model: Record<string, unknown> & { layout: LayoutModel }): string;
  /** A document of its own, without the layout (the petition's printable bundle). */
  document(page: DocumentName, locale: Locale, model: Record<string, unknown>): string;
}

export type PageName = 'action' | 'petition' | 'closed' | 'confirm' | 'status' | 'updates' | 'printLetter' | 'thanks' | 'message' | 'admin/login' | 'admin/signInLink' | 'admin/accounts' | 'admin/representatives' | 'admin/home' | 'admin/letter' | 'admin/editor';
export type DocumentName = 'bundle';

export interface LayoutModel {
  title: string;
  organisation: string;
  footer: string;
  skipTarget: string;
  skipLabel: string;
  /** The language switch. */
  otherLanguage?: { code: Locale; name: string; href: string };
  pageData?: unknown;
  /** Signed-in campaigner, for the log-out form. */
  admin?: { name: string; csrf: string; logOut: string };
  wide?: boolean;
  /** The campaign's look: its stylesheet (accent colour) and logo. */
  look?: { stylesheet: string | null; logo: { src: string; jpeg: string; alt: string } | null };
}

// JSON inside <script type="application/json">: `<` escaped so no text can close the element.
const safeJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

const PAGES: PageName[] = ['action', 'petition', 'closed', 'confirm', 'status', 'updates', 'printLetter', 'thanks', 'message', 'admin/login', 'admin/signInLink', 'admin/accounts', 'admin/representatives', 'admin/home', 'admin/letter', 'admin/editor'];
const DOCUMENTS: DocumentName[] = ['bundle'];

export function pageRenderer(templatesDir: string): PageRenderer {
  const env = Handlebars.create();
  const pagesDir = path.join(templatesDir, 'pages');
  const read = (name: string) => fs.readFileSync(path.join(pagesDir, `${name}.hbs`), 'utf8');
  env.registerPartial('field', read('field'));
  env.registerPartial('editorField', read('admin/editorField'));
  env.registerPartial('mpCard', read('mpCard'));
  env.registerPartial('counter', read('counter'));
  env.registerPartial('share', read('share'));
  // preventIndent: an indented partial call must not indent a textarea's text on every line.
  const compile = (source: string) => env.compile(source, { preventIndent: true });
  const layout = compile(read('layout'));
  const compileAll = <N extends string>(names: N[]) => Object.fromEntries(names.map((name) => [name, compile(read(name))])) as Record<N, HandlebarsTemplateDelegate>;
  const pages = compileAll(PAGES);
  const documents = compileAll(DOCUMENTS);

  return {
    text: textOf,
    render(page, locale, model) {
      const body = pages[page]({ ...model, lang: locale, text: textOf(locale) });
      const { pageData, ...chrome } = model.layout;
      return layout({ ...chrome, lang: locale, body, pageData: pageData === undefined ? undefined : safeJson(pageData) });
    },
    document: (page, locale, model) => documents[page]({ ...model, lang: locale, text: textOf(locale) }),
  };
}
