// What a publish changed, as the audit log keeps it.
import { definitionChanges } from '../../src/domain/definitionChanges';

it('names each changed text by its path, with both versions of a short one', () => {
  const before = { title: { en: 'Old', fr: 'Ancien' }, subjects: { en: ['A', 'B'] }, goal: 100 };
  const after = { title: { en: 'New', fr: 'Ancien' }, subjects: { en: ['A'] }, goal: 200 };
  expect(definitionChanges(before, after)).toEqual([
    { path: 'title.en', before: 'Old', after: 'New' },
    { path: 'subjects.en.1', before: 'B' },
    { path: 'goal', before: '100', after: '200' },
  ]);
});

it('names a long text (a letter) without copying it, and says nothing when nothing changed', () => {
  const letter = 'Dear {{recipient.name}},\n\n'.padEnd(500, 'x');
  expect(definitionChanges({ letters: { mp: { en: letter } } }, { letters: { mp: { en: `${letter}y` } } })).toEqual([{ path: 'letters.mp.en' }]);
  expect(definitionChanges({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
});

it('treats a field added by the new version as a change', () => {
  expect(definitionChanges({ title: { en: 'T' } }, { title: { en: 'T' }, counterOffset: 785 })).toEqual([{ path: 'counterOffset', after: '785' }]);
});
