// Elected offices at every level, as Represent lists them for a postal code, and the words a
// letter uses for each: the recipient's title and salutation in both languages. Represent names
// an office by its `elected_office` ("MP", "MPP", "MNA", "Mayor", "Conseiller"…); a campaign's
// target names the offices it writes to in the same words.
import type { Locale, Localised } from './campaign';

export const LEVELS = ['federal', 'provincial', 'municipal'] as const;
export type Level = (typeof LEVELS)[number];

/** Someone holding an elected office for the supporter's address. */
export interface Officeholder {
  level: Level;
  /** Represent's `elected_office`, as given ("MPP", "Councillor", "Maire"…). */
  office: string;
  name: string;
  district: string;
  email: string | null;
  party: string | null;
  photoUrl: string | null;
  url: string | null;
  /** "F", "M", or null when Represent does not say: the French title and salutation follow it. */
  gender: 'F' | 'M' | null;
}

/**
 * The legislature a holder sits in, as dissolutions name it: "federal", "provincial:ON"; a
 * municipal office has none (municipal elections are on fixed dates and are not tracked).
 */
export function legislatureOf(level: Level, province: string | null): string | null {
  if (level === 'federal') return 'federal';
  if (level === 'provincial' && province) return `provincial:${province}`;
  return null;
}

/** What a legislature is called on pages: "Parliament of Canada", "Legislative Assembly of Ontario". */
export function legislatureName(id: string, locale: Locale): string {
  if (id === 'federal') return locale === 'fr' ? 'Parlement du Canada' : 'Parliament of Canada';
  const province = id.replace(/^provincial:/, '');
  return PROVINCIAL_LEGISLATURES[province]?.[locale] ?? id;
}

export const PROVINCIAL_LEGISLATURES: Record<string, Localised> = {
  AB: { en: 'Legislative Assembly of Alberta', fr: 'Assemblée législative de l’Alberta' },
  BC: { en: 'Legislative Assembly of British Columbia', fr: 'Assemblée législative de la Colombie-Britannique' },
  MB: { en: 'Legislative Assembly of Manitoba', fr: 'Assemblée législative du Manitoba' },
  NB: { en: 'Legislative Assembly of New Brunswick', fr: 'Assemblée législative du Nouveau-Brunswick' },
  NL: { en: 'House of Assembly of Newfoundland and Labrador', fr: 'Chambre d’assemblée de Terre-Neuve-et-Labrador' },
  NS: { en: 'Nova Scotia Legislature', fr: 'Assemblée législative de la Nouvelle-Écosse' },
  NT: { en: 'Legislative Assembly of the Northwest Territories', fr: 'Assemblée législative des Territoires du Nord-Ouest' },
  NU: { en: 'Legislative Assembly of Nunavut', fr: 'Assemblée législative du Nunavut' },
  ON: { en: 'Legislative Assembly of Ontario', fr: 'Assemblée législative de l’Ontario' },
  PE: { en: 'Legislative Assembly of Prince Edward Island', fr: 'Assemblée législative de l’Île-du-Prince-Édouard' },
  QC: { en: 'National Assembly of Québec', fr: 'Assemblée nationale du Québec' },
  SK: { en: 'Legislative Assembly of Saskatchewan', fr: 'Assemblée législative de la Saskatchewan' },
  YT: { en: 'Yukon Legislative Assembly', fr: 'Assemblée législative du Yukon' },
};

/** One office's words: its full title and short name, and the salutation, per language (French per gender). */
interface OfficeWords {
  role: { en: string; fr: Gendered };
  short: { en: string; fr: Gendered };
  /** English salutation; `{name}` and `{lastName}` are filled in. */
  dear: string;
  /** French salutation per gender. */
  cher: Gendered;
}
type Gendered = { F: string; M: string; any: string };

const member = (en: string, short: string, frWhere: string): OfficeWords => ({
  role: { en, fr: { F: `députée ${frWhere}`.trim(), M: `député ${frWhere}`.trim(), any: `députée ou député ${frWhere}`.trim() } },
  short: { en: short, fr: { F: 'députée', M: 'député', any: 'député·e' } },
  dear: 'Dear {name},',
  cher: { F: 'Madame la Députée,', M: 'Monsieur le Député,', any: 'Madame la Députée, Monsieur le Député,' },
});

/** Keyed by a canonical office: Represent's French names ("Maire", "Conseillère") share the English key. */
const WORDS: Record<string, OfficeWords> = {
  mp: member('Member of Parliament', 'MP', ''),
  mpp: {
    ...member('Member of Provincial Parliament', 'MPP', 'provincial'),
    role: { en: 'Member of Provincial Parliament', fr: { F: 'députée provinciale', M: 'député provincial', any: 'députée ou député provincial' } },
    short: { en: 'MPP', fr: { F: 'députée provinciale', M: 'député provincial', any: 'député·e provincial·e' } },
  },
  mna: member('Member of the National Assembly', 'MNA', 'à l’Assemblée nationale'),
  mla: member('Member of the Legislative Assembly', 'MLA', 'à l’Assemblée législative'),
  mha: member('Member of the House of Assembly', 'MHA', 'à la Chambre d’assemblée'),
  mayor: {
    role: { en: 'Mayor', fr: { F: 'mairesse', M: 'maire', any: 'mairesse ou maire' } },
    short: { en: 'mayor', fr: { F: 'mairesse', M: 'maire', any: 'mairesse ou maire' } },
    dear: 'Dear Mayor {lastName},',
    cher: { F: 'Madame la Mairesse,', M: 'Monsieur le Maire,', any: 'Madame la Mairesse, Monsieur le Maire,' },
  },
  councillor: {
    role: { en: 'Councillor', fr: { F: 'conseillère municipale', M: 'conseiller municipal', any: 'conseillère ou conseiller municipal' } },
    short: { en: 'councillor', fr: { F: 'conseillère', M: 'conseiller', any: 'conseiller·ère' } },
    dear: 'Dear Councillor {lastName},',
    cher: { F: 'Madame la Conseillère,', M: 'Monsieur le Conseiller,', any: 'Madame la Conseillère, Monsieur le Conseiller,' },
  },
};

const ALIASES: Record<string, string> = {
  maire: 'mayor', mairesse: 'mayor',
  conseiller: 'councillor', conseillere: 'councillor', 'conseiller municipal': 'councillor', 'conseillere municipale': 'councillor', councilor: 'councillor',
  depute: 'mp',
};

/** "Conseillère" and "councillor" are one office; accents and case do not matter. */
export function officeKey(office: string): string {
  const plain = office.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase();
  return ALIASES[plain] ?? plain;
}

export const sameOffice = (a: string, b: string): boolean => officeKey(a) === officeKey(b);

/** The provincial member's office in each province, as Represent names it. */
const PROVINCIAL_OFFICE: Record<string, string> = { ON: 'MPP', QC: 'MNA', NL: 'MHA' };
export const provincialOfficeIn = (province: string | null): string => (province && PROVINCIAL_OFFICE[province]) || 'MLA';

/** How a letter addresses its recipient: what templates see as `recipient.title`, `.role` and `.salutation`. */
export interface OfficeWording {
  role: string;
  title: string;
  salutation: string;
}

export function wordingOf(holder: Pick<Officeholder, 'office' | 'name' | 'gender'>, locale: Locale): OfficeWording {
  const words = WORDS[officeKey(holder.office)];
  const lastName = holder.name.trim().split(/\s+/).slice(-1)[0] ?? holder.name;
  if (!words) {
    // An office without its own words (a regional councillor, a deputy mayor): Represent's name for it.
    return { role: holder.office, title: holder.office, salutation: locale === 'fr' ? 'Madame, Monsieur,' : `Dear ${holder.name},` };
  }
  const gender = holder.gender ?? 'any';
  if (locale === 'fr') return { role: words.role.fr[gender], title: words.short.fr[gender], salutation: words.cher[gender] };
  return { role: words.role.en, title: words.short.en, salutation: words.dear.replace('{name}', holder.name).replace('{lastName}', lastName) };
}

/** What a target is called before its holder is known: "your MPP" needs the province, so the level's words. */
export function officeLabel(level: Level, offices: string[] | null, locale: Locale): string {
  if (level === 'federal') return locale === 'fr' ? 'votre députée ou député fédéral' : 'your MP';
  if (level === 'provincial') return locale === 'fr' ? 'votre députée ou député provincial' : 'your provincial member';
  const names = (offices ?? ['Mayor', 'Councillor']).map((o) => {
    const words = WORDS[officeKey(o)];
    return words ? (locale === 'fr' ? words.short.fr.any : words.short.en) : o;
  });
  const list = names.join(locale === 'fr' ? ' et ' : ' and ');
  return locale === 'fr' ? `votre ${list}` : `your ${list}`;
}
