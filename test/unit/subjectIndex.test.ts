import { subjectIndex } from '../../src/domain/composeLetters';

describe('subjectIndex', () => {
  it('gives one supporter and target the same subject every time (so the preview is exact)', () => {
    expect(subjectIndex('mei@example.com:mp', 4)).toBe(subjectIndex('mei@example.com:mp', 4));
  });

  it('spreads many supporters over every subject, none taking more than a third', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 2000; i += 1) counts[subjectIndex(`supporter${i}@example.com:mp`, 4)] += 1;
    for (const count of counts) {
      expect(count).toBeGreaterThan(300);
      expect(count).toBeLessThan(667);
    }
  });

  it('stays within the list', () => {
    for (const count of [1, 2, 3, 7]) expect(subjectIndex('x', count)).toBeLessThan(count);
  });
});
