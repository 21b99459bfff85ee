// The words a letter uses for each office, and which level Represent's entries belong to.
import fs from 'node:fs';
import path from 'node:path';
import { levelOf, toLookup, type RepresentPostcode } from '../../src/adapters/represent/parse';
import { holdersFor } from '../../src/domain/officeHolders';
import { officeKey, provincialOfficeIn, wordingOf } from '../../src/domain/offices';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'represent', name), 'utf8')) as RepresentPostcode;
const AT = new Date('2026-11-01T12:00:00Z');

describe('the words for each office', () => {
  it.each([
    ['MPP', 'en', null, { role: 'Member of Provincial Parliament', title: 'MPP', salutation: 'Dear Chris Glover,' }],
    ['MNA', 'en', null, { role: 'Member of the National Assembly', title: 'MNA', salutation: 'Dear Chris Glover,' }],
    ['MLA', 'en', null, { role: 'Member of the Legislative Assembly', title: 'MLA', salutation: 'Dear Chris Glover,' }],
    ['MHA', 'en', null, { role: 'Member of the House of Assembly', title: 'MHA', salutation: 'Dear Chris Glover,' }],
    ['MNA', 'fr', 'M', { role: 'député à l’Assemblée nationale', title: 'député', salutation: 'Monsieur le Député,' }],
    ['MPP', 'fr', 'F', { role: 'députée provinciale', title: 'députée provinciale', salutation: 'Madame la Députée,' }],
    ['Mayor', 'en', null, { role: 'Mayor', title: 'mayor', salutation: 'Dear Mayor Glover,' }],
    ['Maire', 'fr', 'F', { role: 'mairesse', title: 'mairesse', salutation: 'Madame la Mairesse,' }],
    ['Conseiller', 'fr', null, { role: 'conseillère ou conseiller municipal', title: 'conseiller·ère', salutation: 'Madame la Conseillère, Monsieur le Conseiller,' }],
    ['Regional Councillor', 'en', null, { role: 'Regional Councillor', title: 'Regional Councillor', salutation: 'Dear Chris Glover,' }],
  ] as const)('%s in %s (gender %s)', (office, locale, gender, words) => {
    expect(wordingOf({ office, name: 'Chris Glover', gender }, locale)).toEqual(words);
  });

  it('names the provincial member as each province does', () => {
    expect(['ON', 'QC', 'NL', 'BC', 'NS', null].map(provincialOfficeIn)).toEqual(['MPP', 'MNA', 'MHA', 'MLA', 'MLA', 'MLA']);
  });

  it('treats Represent’s French office names as the English ones', () => {
    expect(['Conseillère', 'conseiller', 'Councillor'].map(officeKey)).toEqual(['councillor', 'councillor', 'councillor']);
    expect(officeKey('Mairesse')).toBe(officeKey('Mayor'));
  });
});

describe('every level in one Represent answer', () => {
  it('M5V 3L9: MP federal, MPP provincial, mayor and councillor municipal', () => {
    const lookup = toLookup('M5V 3L9', fixture('postcode-M5V3L9-single-mp.json'), AT);
    expect(lookup.officeholders.map((h) => [h.level, h.office, h.name])).toEqual([
      ['provincial', 'MPP', 'Chris Glover'],
      ['municipal', 'Mayor', 'Olivia Chow'],
      ['municipal', 'Councillor', 'Ausma Malik'],
      ['federal', 'MP', 'Chi Nguyen'],
    ]);
    expect(lookup.fetchedAt).toBe(AT.toISOString());
  });

  it('an old House of Commons member has no level: never written to', () => {
    expect(levelOf({ elected_office: 'MP', representative_set_name: 'House of Commons', related: { boundary_url: '/boundaries/federal-electoral-districts-2013-representation-order/35100/' } })).toBeNull();
    expect(levelOf({ elected_office: 'Councillor', representative_set_name: 'Conseil municipal de Montréal' })).toBe('municipal');
    expect(levelOf({ elected_office: 'MNA', representative_set_name: 'Assemblée nationale du Québec' })).toBe('provincial');
  });

  it('holders per office target: the mayor and the councillor; nobody at a level Represent lists nobody for', () => {
    const toronto = toLookup('M5V 3L9', fixture('postcode-M5V3L9-single-mp.json'), AT);
    const city = holdersFor({ level: 'municipal', offices: null }, toronto, null);
    expect(city.kind === 'holders' && city.holders.map((h) => h.name)).toEqual(['Olivia Chow', 'Ausma Malik']);
    const mayor = holdersFor({ level: 'municipal', offices: ['Maire'] }, toronto, null);
    expect(mayor.kind === 'holders' && mayor.holders.map((h) => h.name)).toEqual(['Olivia Chow']);
    const quebec = toLookup('G0A 1A0', fixture('postcode-G0A1A0-provincial-concordance.json'), AT);
    expect(holdersFor({ level: 'municipal', offices: ['Mayor'] }, quebec, null)).toEqual({ kind: 'none', reason: 'Represent lists no mayor for this postal code.' });
    expect(holdersFor({ level: 'provincial', offices: null }, toLookup('G0A 1A0', { code: 'G0A1A0', province: 'QC' }, AT), null)).toEqual({ kind: 'none', reason: 'Represent lists no MNA for this postal code.' });
  });
});
