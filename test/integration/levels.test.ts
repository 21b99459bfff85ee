// Every level of government, through HTTP and the queue: one Represent answer for a postal code
// writes to the MP, the provincial member and the councillor, each with their office's title and
// salutation in the supporter's language; a level Represent has no one for is skipped with a
// reason; "write to some" and "already agrees" change who gets what.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { removeCampaignsDir, writeCampaignsDir } from '../helpers/campaignsDir';
import { startTestService, supporter, type TestService } from '../helpers/testService';

// One letter for every office: what the templates may say about their recipient.
const LETTER = {
  en: '{{recipient.salutation}}\n\nAs your constituent, I ask you, as my {{recipient.title}} ({{recipient.role}}{{#if recipient.district}}, {{recipient.district}}{{/if}}), to act.\n\n{{supporter.fullName}}\n',
  fr: '{{recipient.salutation}}\n\nÀ titre de citoyenne, je vous demande, comme {{recipient.title}} ({{recipient.role}}{{#if recipient.district}}, {{recipient.district}}{{/if}}), d’agir.\n\n{{supporter.fullName}}\n',
};
const THANKS = {
  en: '{{recipient.salutation}}\n\nThank you for already standing with us.\n\n{{supporter.fullName}}\n',
  fr: '{{recipient.salutation}}\n\nMerci de nous appuyer déjà.\n\n{{supporter.fullName}}\n',
};

const LEVELS = [
  { id: 'mp', kind: 'mp' },
  { id: 'mpp', kind: 'office', level: 'provincial' },
  { id: 'councillor', kind: 'office', level: 'municipal', offices: ['Councillor'] },
];

const ADMIN_TOKEN = 'levels-admin-token-0123456789abcdef';
let dir: string;
let service: TestService;

function withLetters(slug: string, ids: string[], thanks: string[] = []) {
  for (const id of ids) {
    for (const locale of ['en', 'fr'] as const) {
      fs.writeFileSync(path.join(dir, slug, 'letters', `${id}.${locale}.hbs`), LETTER[locale]);
      if (thanks.includes(id)) fs.writeFileSync(path.join(dir, slug, 'letters', `${id}.thanks.${locale}.hbs`), THANKS[locale]);
    }
  }
}

beforeAll(async () => {
  dir = writeCampaignsDir({
    levels: { from: 'xinjiang', set: { targets: LEVELS } },
    some: { from: 'xinjiang', set: { targets: LEVELS, chooseTargets: { min: 1 } } },
    city: { from: 'xinjiang', set: { targets: [{ id: 'city', kind: 'office', level: 'municipal', offices: ['Mayor', 'Councillor'] }] } },
    agree: {
      from: 'xinjiang',
      set: {
        targets: [
          { id: 'mp', kind: 'mp', agree: { who: [{ name: 'Chi Nguyen', district: 'Spadina—Harbourfront' }], then: 'skip' } },
          { id: 'councillor', kind: 'office', level: 'municipal', offices: ['Councillor'], agree: { who: [{ name: 'ausma malik' }], then: 'thank' } },
        ],
      },
    },
  });
  withLetters('levels', ['mp', 'mpp', 'councillor']);
  withLetters('some', ['mp', 'mpp', 'councillor']);
  withLetters('agree', ['mp', 'councillor'], ['councillor']);
  withLetters('city', ['city']);
  service = await startTestService({ env: { CAMPAIGNS_DIR: dir, ADMIN_TOKEN } });
});
afterAll(async () => {
  await service.close();
  removeCampaignsDir(dir);
});

interface Row { target_id: string; status: string; status_reason: string | null; recipient_name: string | null; recipient_email: string | null; recipient_role: string; body_text: string | null; level: string | null; office: string | null; legislature: string | null }
const lettersOf = async (actionId: string) =>
  (await service.deps.db.query<Row>('SELECT * FROM letters WHERE action_id = $1 ORDER BY position, recipient_name', [actionId])).rows;

describe('a campaign writing to the MP, the provincial member and the councillor', () => {
  it('M5V 3L9 in English: three letters, each with its office’s title and salutation, each delivered', async () => {
    const sent = await service.submitted(supporter(), 'levels');
    expect(sent.letters.map((l) => [l.recipient.name, l.recipient.role])).toEqual([
      ['Chi Nguyen', 'Member of Parliament'],
      ['Chris Glover', 'Member of Provincial Parliament'],
      ['Ausma Malik', 'Councillor'],
    ]);
    const rows = await lettersOf(sent.id);
    expect(rows.map((r) => [r.level, r.office, r.legislature, r.recipient_email])).toEqual([
      ['federal', 'MP', 'federal', 'chi.nguyen@parl.gc.ca'],
      ['provincial', 'MPP', 'provincial:ON', 'cglover-qp@ndp.on.ca'],
      ['municipal', 'Councillor', null, 'Councillor_Malik@toronto.ca'],
    ]);
    expect(rows[0].body_text).toMatch(/^Dear Chi Nguyen,\n\nAs your constituent, I ask you, as my MP \(Member of Parliament, Spadina—Harbourfront\)/);
    expect(rows[1].body_text).toMatch(/^Dear Chris Glover,\n\nAs your constituent, I ask you, as my MPP \(Member of Provincial Parliament, Spadina—Fort York\)/);
    expect(rows[2].body_text).toMatch(/^Dear Councillor Malik,\n\nAs your constituent, I ask you, as my councillor \(Councillor, Spadina-Fort York\)/);
    for (const letter of sent.letters) await service.waitForLetter(letter.id, 'accepted');
    const to = service.sendgrid.accepted().map((m) => m.body.personalizations[0].to[0].email);
    expect(to).toEqual(expect.arrayContaining(['chi.nguyen@parl.gc.ca', 'cglover-qp@ndp.on.ca', 'Councillor_Malik@toronto.ca']));
  });

  it('in French: the MP by her gender, the others with the formal pair', async () => {
    const sent = await service.submitted(supporter({ locale: 'fr' }), 'levels');
    const rows = await lettersOf(sent.id);
    expect(rows.map((r) => r.recipient_role)).toEqual(['députée', 'députée ou député provincial', 'conseillère ou conseiller municipal']);
    expect(rows[0].body_text).toMatch(/^Madame la Députée,\n\n.*comme députée \(députée, Spadina—Harbourfront\)/);
    expect(rows[1].body_text).toMatch(/^Madame la Députée, Monsieur le Député,\n\n.*comme député·e provincial·e \(/);
    expect(rows[2].body_text).toMatch(/^Madame la Conseillère, Monsieur le Conseiller,\n\n.*comme conseiller·ère \(/);
  });

  it('G0A 1A0 (Québec): the MNA’s wording; no municipal data, so the councillor’s letter is skipped with a reason the status page shows', async () => {
    const sent = await service.submitted(supporter({ postalCode: 'G0A 1A0', city: 'Sainte-Christine-d’Auvergne' }), 'levels');
    const rows = await lettersOf(sent.id);
    expect(rows.map((r) => [r.target_id, r.status === 'skipped', r.recipient_name])).toEqual([
      ['mp', false, 'Joël Godin'],
      ['mpp', false, 'Vincent Caron'],
      ['councillor', true, null],
    ]);
    expect(rows[1]).toMatchObject({ office: 'MNA', legislature: 'provincial:QC', recipient_role: 'Member of the National Assembly' });
    expect(rows[1].body_text).toMatch(/as my MNA \(Member of the National Assembly, Portneuf\)/);
    expect(rows[2].status_reason).toBe('Represent lists no councillor for this postal code.');

    const status = await request(service.app).get(`/api/actions/${sent.id}`).query({ token: sent.token }).expect(200);
    const skipped = (status.body.letters as Array<{ status: string; reason?: string | null }>).find((l) => l.status === 'skipped');
    expect(skipped?.reason).toBe('Represent lists no councillor for this postal code.');
    const preview = await request(service.app).post('/api/campaigns/levels/preview').send(supporter({ postalCode: 'G0A 1A0', city: 'Portneuf' })).expect(200);
    expect(preview.body.letters.map((l: { targetId: string; status: string }) => [l.targetId, l.status])).toEqual([['mp', 'ready'], ['mpp', 'ready'], ['councillor', 'skipped']]);
    const page = await request(service.app).get(`/actions/${sent.id}`).query({ token: sent.token, lang: 'fr' }).expect(200);
    expect(page.text).toContain('Non envoyée : Represent ne connaît personne à ce poste pour votre code postal.');
  });
});

describe('Represent down when the supporter acts', () => {
  it('a target of two offices waits as two letters, and each goes to its own office’s holder once Represent answers', async () => {
    // A postal code nothing has looked up yet: no cache or directory entry to fall back on.
    const recorded = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'represent', 'postcode-M5V3L9-single-mp.json'), 'utf8')) as object;
    service.represent.addPostcode({ ...recorded, code: 'M5V3L7' });
    service.represent.setMode('error500');
    try {
      const sent = await service.submitted(supporter({ postalCode: 'M5V 3L7' }), 'city');
      const waiting = await lettersOf(sent.id);
      expect(waiting.map((r) => [r.status, r.office])).toEqual([['awaiting_lookup', 'Mayor'], ['awaiting_lookup', 'Councillor']]);
      service.represent.setMode('ok');
      const written = await Promise.all(waiting.map((_, i) => service.waitForLetter(sent.letters[i].id, ['queued', 'sending', 'accepted'])));
      expect(written.map((r) => r.recipient_name).sort()).toEqual(['Ausma Malik', 'Olivia Chow']);
    } finally {
      service.represent.setMode('ok');
    }
  });
});

describe('write to some', () => {
  it('one box ticked: one letter, to that office only', async () => {
    const sent = await service.submitted(supporter({ targets: ['councillor'] }), 'some');
    expect(sent.letters.map((l) => l.recipient.name)).toEqual(['Ausma Malik']);
    expect((await lettersOf(sent.id)).map((r) => r.target_id)).toEqual(['councillor']);
  });

  it('no box ticked, or only unknown ones: 400 naming the field, nothing stored', async () => {
    for (const targets of [undefined, [], ['premier']]) {
      const email = `none-${Math.random().toString(36).slice(2)}@example.org`;
      const res = await request(service.app).post('/api/campaigns/some/actions').send(supporter({ email, targets })).expect(400);
      expect(res.body.error).toMatchObject({ code: 'validation_failed', fields: { targets: expect.any(String) } });
      expect((await service.deps.db.query('SELECT 1 FROM supporters WHERE email = $1', [email])).rows).toHaveLength(0);
    }
  });

  it('the no-JavaScript form’s ticked boxes count the same', async () => {
    const body = supporter({ targets: undefined });
    const form = new URLSearchParams({ ...Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === 'string')) as Record<string, string> });
    form.append('targets', 'mp');
    form.append('targets', 'mpp');
    await request(service.app).post('/api/campaigns/some/actions').type('form').send(form.toString()).expect(202);
    const action = await service.actionOf(body.email, 'some');
    expect((await lettersOf(action.id)).map((r) => r.target_id)).toEqual(['mp', 'mpp']);
  });
});

describe('holders who already agree', () => {
  it('the councillor listed as agreeing gets the thank-you letter; the MP listed with “skip” gets none', async () => {
    const sent = await service.submitted(supporter(), 'agree');
    const rows = await lettersOf(sent.id);
    expect(rows.map((r) => [r.target_id, r.status === 'skipped'])).toEqual([
      ['mp', true],
      ['councillor', false],
    ]);
    expect(rows[0].status_reason).toBe('Chi Nguyen already supports the campaign: no letter is sent.');
    expect(rows[1].body_text).toContain('Thank you for already standing with us.');
    const mail = await service.waitForLetter(sent.letters[1].id, 'accepted');
    expect(mail.recipient_email).toBe('Councillor_Malik@toronto.ca');
  });

  it('a thank-you template is required when holders who agree are thanked', async () => {
    const definition = JSON.parse(fs.readFileSync(path.join(dir, 'agree', 'campaign.json'), 'utf8')) as Record<string, unknown>;
    const res = await request(service.app)
      .post('/api/admin/campaigns')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ ...definition, slug: 'agree-copy', letters: { mp: LETTER, councillor: LETTER } })
      .expect(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['thanks.councillor.en', 'thanks.councillor.fr']);
  });
});

describe('numbers by target and office', () => {
  it('the stats count letters per target and office and the ridings of each level; the CSV names each letter’s level and office', async () => {
    const sent = await service.submitted(supporter(), 'levels');
    for (const letter of sent.letters) await service.waitForLetter(letter.id, 'accepted');
    const counts = async () => (await service.deps.db.query<{ target_id: string; office: string | null; n: number }>(
      "SELECT target_id, office, count(*)::int AS n FROM letters WHERE campaign_slug = 'levels' GROUP BY target_id, office",
    )).rows;
    const stats = await request(service.app).get('/api/admin/campaigns/levels/stats').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    for (const row of await counts()) {
      expect(stats.body.byTarget).toContainEqual(expect.objectContaining({ target: row.target_id, office: row.office, letters: row.n }));
    }
    expect(stats.body.byLevelDistrict.provincial).toEqual(expect.arrayContaining([expect.objectContaining({ district: 'Spadina—Fort York' }), expect.objectContaining({ district: 'Portneuf' })]));
    expect(stats.body.byLevelDistrict.municipal).toEqual([expect.objectContaining({ district: 'Spadina-Fort York' })]);

    const csv = await request(service.app).get('/api/admin/campaigns/levels/export.csv').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const columns = header.split(',');
    const row = lines.find((l) => l.startsWith(sent.letters[2].id))!.split(',');
    expect(row[columns.indexOf('target')]).toBe('councillor');
    expect(row[columns.indexOf('recipient_name')]).toBe('Ausma Malik');
    expect([row[columns.indexOf('level')], row[columns.indexOf('office')]]).toEqual(['municipal', 'Councillor']);
  });
});
