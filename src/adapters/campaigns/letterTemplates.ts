// Letters are written as plain-text Handlebars, compiled once at start in strict mode (a
// template naming a variable that does not exist fails loudly, at start and in tests, never
// silently in a letter). The HTML twin is derived from the text, so the two always say the
// same thing, and every character, the supporter's paragraph included, is escaped in it.
import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Locale } from '../../domain/campaign';

export type CompiledTemplate = (context: object) => string;

const environments = new Map<string, typeof Handlebars>();

/** The shared letter parts of a locale: templates/letters/<locale>/<name>.hbs. */
export function partialsOf(partialsDir: string, locale: Locale): Array<{ name: string; file: string; source: string }> {
  const dir = path.join(partialsDir, locale);
  return (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((file) => file.endsWith('.hbs'))
    .map((file) => ({
      name: path.basename(file, '.hbs'),
      file: path.join(dir, file),
      source: fs.readFileSync(path.join(dir, file), 'utf8').replace(/\n$/, ''),
    }));
}

/** The only helpers a letter may use: the block helpers. */
export const LETTER_HELPERS = ['if', 'unless', 'each', 'with'];

/**
 * One Handlebars environment per locale, with the shared letter parts as partials. Campaigners
 * write these templates: only the block helpers are left (no `lookup`, which reaches properties by
 * a name computed at render time, nor `log`), prototype access stays off (Handlebars' default), and
 * every variable must be one of the listed data (campaignDefinition.ts checks that).
 */
function environment(partialsDir: string, locale: Locale): typeof Handlebars {
  const key = `${partialsDir}:${locale}`;
  let env = environments.get(key);
  if (!env) {
    env = Handlebars.create();
    // helperMissing and blockHelperMissing are how Handlebars refuses a helper that does not exist.
    for (const helper of Object.keys(env.helpers)) if (!['helperMissing', 'blockHelperMissing', ...LETTER_HELPERS].includes(helper)) env.unregisterHelper(helper);
    for (const partial of partialsOf(partialsDir, locale)) {
      env.registerPartial(partial.name, env.compile(partial.source, { strict: true, noEscape: true }));
    }
    environments.set(key, env);
  }
  return env;
}

export function compileText(partialsDir: string, locale: Locale, source: string): CompiledTemplate {
  // Unregistered helpers must not be compiled as known ones (Handlebars would call them anyway).
  const template = environment(partialsDir, locale).compile(source, { strict: true, noEscape: true, knownHelpers: { lookup: false, log: false } });
  return (context) => template(context);
}

/**
 * Every variable a template names, helper arguments included: strict mode only checks plain
 * `{{x}}`, so a misspelt `{{#if supporter.mesage}}` would silently drop a paragraph.
 */
export function variablesOf(source: string): string[] {
  const found = new Set<string>();
  class Collector extends Handlebars.Visitor {
    override PathExpression(path: hbs.AST.PathExpression): void {
      if (!path.data && path.parts.length > 0) found.add(path.parts.join('.'));
    }
    override MustacheStatement(node: hbs.AST.MustacheStatement): void {
      this.visitCall(node.path, node.params, node.hash);
    }
    override BlockStatement(node: hbs.AST.BlockStatement): void {
      this.visitCall(node.path, node.params, node.hash);
      if (node.program) this.accept(node.program);
      if (node.inverse) this.accept(node.inverse);
    }
    override PartialStatement(node: hbs.AST.PartialStatement): void {
      this.acceptArray(node.params);
      if (node.hash) this.accept(node.hash);
    }
    override SubExpression(node: hbs.AST.SubExpression): void {
      this.visitCall(node.path, node.params, node.hash);
    }
    // A helper's name is not a variable; its arguments are. A bare `{{x}}` is a variable.
    private visitCall(path: hbs.AST.Expression, params: hbs.AST.Expression[], hash: hbs.AST.Hash | undefined): void {
      if (params.length === 0 && !hash) this.accept(path);
      this.acceptArray(params);
      if (hash) this.accept(hash);
    }
  }
  new Collector().accept(Handlebars.parse(source));
  return [...found];
}

export const escapeHtml = (text: string): string =>
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
