import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CampaignError, loadCampaigns } from '../../src/adapters/campaigns/campaignLoader';
import { textToHtml, tidyText } from '../../src/adapters/campaigns/letterTemplates';
import type { Campaign, Locale, Target } from '../../src/domain/campaign';
import { roleOf } from '../../src/domain/campaign';
import { fixedRecipient, letterContext, petitionContext, type Recipient, type SupporterDetails } from '../../src/domain/letters';
import { normalisePostalCode } from '../../src/domain/postalCode';

const ROOT = path.join(__dirname, '../..');
const CAMPAIGNS_DIR = path.join(ROOT, 'data', 'campaigns');
const PARTIALS_DIR = path.join(ROOT, 'templates', 'letters');

const loaded = loadCampaigns(CAMPAIGNS_DIR, PARTIALS_DIR);

const SUPPORTER: SupporterDetails = {
  firstName: 'Marie-Ève',
  lastName: "O'Connor",
  email: 'marie-eve.oconnor@example.net',
  address: '482 Rue Saint-Denis, apt 3',
  city: 'Gatineau',
  province: 'QC',
  postalCode: normalisePostalCode('J8X 3X7')!,
};
const MESSAGE = 'My neighbour has not heard from her brother in Ürümqi since 2018. Please ask about him.';
const HOSTILE = '<script>alert("x")</script> & Co';
const MP = { name: 'Giovanna Mingarelli', district: 'Prescott\u2014Russell\u2014Cumberland', email: 'giovanna.mingarelli@parl.gc.ca' };
const NOW = new Date('2025-03-14T15:00:00Z');

function recipientFor(target: Target, locale: Locale): Recipient {
  return target.kind === 'fixed'
    ? fixedRecipient(target, locale)
    : { name: MP.name, role: roleOf(target, locale), district: MP.district, email: MP.email };
}

function render(
  campaign: Campaign,
  target: Target,
  locale: Locale,
  overrides: { supporter?: Partial<SupporterDetails>; message?: string | null; riding?: string | null } = {},
  subjectIndex = 0,
) {
  const context = letterContext({
    campaign,
    locale,
    supporter: { ...SUPPORTER, ...overrides.supporter },
    message: overrides.message === undefined ? MESSAGE : overrides.message,
    recipient: recipientFor(target, locale),
    riding: overrides.riding === undefined ? MP.district : overrides.riding,
    now: NOW,
  });
  const letter = loaded.renderer.render(campaign, target.id, locale, context, subjectIndex);
  // The HTML twin, as the mailer makes it from the stored text when it sends the letter.
  return { ...letter, html: textToHtml(letter.text, locale) };
}

const CASES: Array<[string, string, Locale, Campaign, Target]> = loaded.catalog
  .list()
  .filter((campaign) => campaign.kind === 'letter')
  .flatMap((campaign) =>
    campaign.targets.flatMap((target) => campaign.locales.map((locale): [string, string, Locale, Campaign, Target] => [campaign.slug, target.id, locale, campaign, target])),
  );

it('finds letters to render (the sample campaign, both targets, both languages)', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(4);
  expect(new Set(CASES.map(([, , locale]) => locale))).toEqual(new Set(['en', 'fr']));
});

describe.each(CASES)('%s / %s.%s', (_slug, _target, locale, campaign, target) => {
  it('carries everything about the supporter, and their paragraph', () => {
    const { text } = render(campaign, target, locale);
    for (const value of [`${SUPPORTER.firstName} ${SUPPORTER.lastName}`, SUPPORTER.address, SUPPORTER.city, SUPPORTER.postalCode, SUPPORTER.email, MESSAGE]) {
      expect(text).toContain(value);
    }
  });

  it('names the riding in the MP letter', () => {
    const { text } = render(campaign, target, locale);
    if (target.kind === 'mp') {
      expect(text).toContain(MP.district);
      expect(text).toContain(MP.name);
    } else {
      expect(text).not.toContain(MP.name);
    }
  });

  it('has a one-line, non-empty subject, whichever subject is picked', () => {
    const count = campaign.subjects[locale].length;
    for (let i = 0; i < count; i++) {
      for (const city of [SUPPORTER.city, null]) {
        const { subject } = render(campaign, target, locale, { supporter: { city } }, i);
        expect(subject.trim()).not.toBe('');
        expect(subject).not.toMatch(/[\r\n]/);
        expect(subject).toBe(subject.trim());
        expect(subject).not.toMatch(/null|undefined|\{\{/);
      }
    }
  });

  it('escapes the supporter paragraph in the HTML twin, keeps it verbatim in the text', () => {
    const { text, html } = render(campaign, target, locale, { message: HOSTILE });
    expect(text).toContain(HOSTILE);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&amp; Co');
    expect(html).not.toMatch(/&(?![a-z]+;|#\d+;)/);
  });

  it(`declares lang="${locale}" in the HTML twin`, () => {
    const { html } = render(campaign, target, locale);
    expect(html).toContain(`lang="${locale}"`);
  });

  it('HTML twin says what the text says', () => {
    const { text, html } = render(campaign, target, locale);
    // One <p> per paragraph of the text, and the supporter's name (with its apostrophe escaped) in the first.
    expect(html.match(/<p>/g)?.length).toBe(text.split(/\n{2,}/).length);
    expect(html).toContain(`<p>${SUPPORTER.firstName} O&#39;Connor<br>`);
    expect(html).toContain(`<p>${MESSAGE}</p>`);
  });

  it('renders cleanly without address, city, province, message or riding', () => {
    const { text, html, subject } = render(campaign, target, locale, {
      supporter: { address: null, city: null, province: null },
      message: null,
      riding: null,
    });
    for (const out of [text, html, subject]) {
      expect(out).not.toMatch(/null|undefined/);
    }
    expect(text).not.toMatch(/\n\n\n/);
    expect(text).not.toMatch(/[ \t]$/m);
    expect(text).toContain(`${SUPPORTER.firstName} ${SUPPORTER.lastName}`);
    expect(text).toContain(SUPPORTER.postalCode);
    expect(text).toContain(SUPPORTER.email);
    expect(text).not.toContain(MP.district);
    expect(text).not.toContain(MESSAGE);
  });
});

const PETITIONS = loaded.catalog
  .list()
  .filter((campaign) => campaign.kind === 'petition')
  .flatMap((campaign) => campaign.locales.map((locale): [string, Locale, Campaign] => [campaign.slug, locale, campaign]));

it('finds the sample petition in both languages', () => {
  expect(PETITIONS.map(([slug, locale]) => `${slug}.${locale}`).sort()).toEqual(['xinjiang-petition.en', 'xinjiang-petition.fr']);
});

describe.each(PETITIONS)('petition %s.%s', (_slug, locale, campaign) => {
  const letter = loaded.renderer.renderPetition(campaign, locale, petitionContext(campaign, locale, NOW));

  it('is addressed to every target by name, and dated', () => {
    for (const target of campaign.targets) expect(letter.text).toContain(target.kind === 'fixed' ? target.name : 'no MP in a petition');
    expect(letter.text).toContain(locale === 'en' ? 'March 14, 2025' : '14 mars 2025');
  });

  it('has a one-line title and an HTML twin in its language', () => {
    expect(letter.subject).toMatch(/^[^\n]{10,}$/);
    expect(letter.html).toContain(`lang="${locale}"`);
    const firstParagraph = letter.text.split('\n\n')[1];
    expect(letter.html).toContain(firstParagraph.split('\n')[0].replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;'));
  });
});

describe('a template naming a variable that does not exist', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dearmp-templates-'));
    fs.cpSync(path.join(CAMPAIGNS_DIR, 'xinjiang'), path.join(dir, 'xinjiang'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const writeLetter = (source: string) => fs.writeFileSync(path.join(dir, 'xinjiang', 'letters', 'mp.en.hbs'), source);

  it('the unchanged copy loads (the setup is sound)', () => {
    expect(() => loadCampaigns(dir, PARTIALS_DIR)).not.toThrow();
  });

  it('stops loading with a CampaignError naming the file', () => {
    writeLetter('Dear {{recipient.name}},\n\nI am {{supporter.middleName}}.\n');
    expect(() => loadCampaigns(dir, PARTIALS_DIR)).toThrow(CampaignError);
    expect(() => loadCampaigns(dir, PARTIALS_DIR)).toThrow(/mp\.en\.hbs/);
    expect(() => loadCampaigns(dir, PARTIALS_DIR)).toThrow(/middleName/);
  });

  it('also when the misspelt variable is only tested with #if (the paragraph would silently vanish)', () => {
    writeLetter('Dear {{recipient.name}},\n\n{{#if supporter.mesage}}{{supporter.message}}{{/if}}\n');
    expect(() => loadCampaigns(dir, PARTIALS_DIR)).toThrow(/mp\.en\.hbs/);
  });
});

describe('tidyText', () => {
  it.each([
    ['a  \nb\t\n', 'a\nb'],
    ['a\n\n\n\nb', 'a\n\nb'],
    ['\n\n  a\n\n', 'a'],
    ['a \t \n\n \n\nb', 'a\n\nb'],
    ['keeps  inner  spaces', 'keeps  inner  spaces'],
  ])('%j → %j', (input, expected) => {
    expect(tidyText(input)).toBe(expected);
  });
});

describe('textToHtml', () => {
  it('makes paragraphs of blank-line-separated blocks and <br> of line breaks', () => {
    const html = textToHtml('Line one\nLine two\n\nSecond paragraph', 'en');
    expect(html).toContain('<p>Line one<br>\nLine two</p>\n<p>Second paragraph</p>');
    expect(html).toContain('<html lang="en">');
  });

  it('escapes every HTML-significant character', () => {
    const html = textToHtml(`<b>"Tom" & 'Jerry'</b>`, 'fr');
    expect(html).toContain('<p>&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</p>');
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<meta charset="utf-8">');
  });
});
