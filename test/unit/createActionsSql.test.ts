// The statement that stores a group of actions, checked without a database: every parameter the
// statement names is given, in the place the statement expects it. (The integration tests run it.)
import { createParams, createSql } from '../../src/adapters/store/createActionsSql';
import type { NewAction } from '../../src/domain/ports';
import { normalisePostalCode } from '../../src/domain/postalCode';

const action = (n: number, letters: number): NewAction => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  token: `token-${n}`,
  campaignSlug: 'xinjiang',
  locale: 'fr',
  supporter: { firstName: `First${n}`, lastName: 'Last', email: `p${n}@example.org`, address: null, city: 'Gatineau', province: 'QC', postalCode: normalisePostalCode('J8X 3X7')! },
  emailKey: `key${n}@example.org`,
  message: null,
  district: 'Hull—Aylmer',
  districtChoice: null, campaignVersion: null, districtPending: false,
  confirmation: null,
  referralCode: `code-${n}-abcdef`, referredBy: null, source: null,
  consents: [{ purpose: 'updates', granted: true, wording: `Keep me informed ${n}`, locale: 'fr', pageUrl: null, ip: null, userAgent: null }],
  letters: Array.from({ length: letters }, (_, k) => ({
    id: `00000000-0000-4000-8000-0000000001${n}${k}`,
    targetId: k === 0 ? 'mp' : 'minister',
    recipient: null,
    role: 'député',
    rendered: null,
    status: 'awaiting_lookup' as const,
    office: k === 0 ? { level: 'federal' as const, office: null, legislature: 'federal', lookedUpAt: null } : null,
    reason: null,
  })),
});

const highestPlaceholder = (sql: string) => Math.max(...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

describe('the statement storing a group of actions', () => {
  it.each([
    [1, 2],
    [3, 2],
    [32, 1],
    [2, 0],
  ])('names exactly the parameters it is given: %i action(s) of %i letter(s)', (count, letters) => {
    const actions = Array.from({ length: count }, (_, i) => action(i, letters));
    expect(highestPlaceholder(createSql(count, 1, letters))).toBe(createParams('xinjiang', actions).length);
  });

  it('is generated once per shape', () => {
    expect(createSql(2, 1, 2)).toBe(createSql(2, 1, 2));
    expect(createSql(2, 1, 2)).not.toBe(createSql(3, 1, 2));
  });

  it('puts each action’s values where the statement reads them', () => {
    const actions = [action(1, 2), action(2, 2)];
    const params = createParams('xinjiang', actions);
    const sql = createSql(2, 1, 2);
    expect(params[0]).toBe('xinjiang');
    // The supporters' email keys are matched by `email_key IN (...)`: those placeholders hold the keys.
    const keys = /email_key IN \(([^)]*)\)/.exec(sql)![1].split(',').map((p) => params[Number(p.trim().slice(1)) - 1]);
    expect(keys).toEqual(['key1@example.org', 'key2@example.org']);
  });

  it('hashes each consent wording (the evidence of what was shown)', () => {
    const params = createParams('xinjiang', [action(1, 0)]);
    expect(params).toContain('Keep me informed 1');
    expect(params.some((p) => typeof p === 'string' && /^[0-9a-f]{64}$/.test(p))).toBe(true);
  });
});
