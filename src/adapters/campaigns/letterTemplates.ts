// Letters are written as plain-text Handlebars, compiled once at start in strict mode (a
// template naming a variable that does not exist fails loudly, at start and in tests, never
// silently in a letter). The HTML twin is derived from the text, so the two always say the
// same thing, and every character, the supporter's paragraph included, is escaped in it.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../../domain/campaign';
import { LOCALES } from '../../domain/campaign';

export type CompiledTemplate = (context: object) => string;

const environments = new Map<string, typeof Handlebars>();

/** One Handlebars environment per locale, with the shared letter parts (templates/letters/<locale>/*.hbs) as partials. */
function environment(partialsDir: string, locale: Locale): typeof Handlebars {
  const key = `${partialsDir}:${locale}`;
  let env = environments.get(key);
  if (!env) {
    env = Handlebars.create();
    const dir = path.join(partialsDir, locale);
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      if (!file.endsWith('.hbs')) continue;
      const source = fs.readFileSync(path.join(dir, file), 'utf8').replace(/\n$/, '');
      env.registerPartial(path.basename(file, '.hbs'), env.compile(source, { strict: true, noEscape: true }));
    }
    environments.set(key, env);
  }
  return env;
}

export function compileText(partialsDir: string, locale: Locale, source: string): CompiledTemplate {
  const template = environment(partialsDir, locale).compile(source, { strict: true, noEscape: true });
  return (context) => template(context);
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** Tidies rendered text: no trailing spaces, at most one blank line in a row. */
export const tidyText = (text: string): string =>
  text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/** The HTML twin of a plain-text letter: paragraphs become <p>, line breaks <br>. */
export function textToHtml(text: string, locale: Locale): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
  return `<!doctype html>\n<html lang="${locale}"><head><meta charset="utf-8"></head>\n<body style="font-family: Georgia, serif; font-size: 16px; line-height: 1.5; max-width: 40em;">\n${paragraphs}\n</body></html>\n`;
}

export const isLocale = (value: string): value is Locale => (LOCALES as readonly string[]).includes(value);
