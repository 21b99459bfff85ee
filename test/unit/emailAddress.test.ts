import { canonicalEmail } from '../../src/domain/emailAddress';

describe('canonicalEmail', () => {
  it.each([
    ['Mei.Tursun@Gmail.com', 'meitursun@gmail.com'],
    ['mei.tursun+xinjiang@gmail.com', 'meitursun@gmail.com'],
    ['m.e.i.tursun@googlemail.com', 'meitursun@gmail.com'],
    ['  MEI@Example.ORG ', 'mei@example.org'],
    ['mei+campaign@outlook.com', 'mei@outlook.com'],
    ['Mei+Xinjiang@Proton.me', 'mei@proton.me'],
    // Elsewhere a +tag may be another mailbox: it stays.
    ['mei+campaign@example.org', 'mei+campaign@example.org'],
    // Dots matter outside Gmail.
    ['mei.tursun@example.org', 'mei.tursun@example.org'],
    ['+only@example.org', '+only@example.org'],
  ])('%j is the same person as %j', (typed, key) => {
    expect(canonicalEmail(typed)).toBe(key);
  });

  it('keeps different mailboxes apart', () => {
    expect(canonicalEmail('mei.tursun@example.org')).not.toBe(canonicalEmail('meitursun@example.org'));
    expect(canonicalEmail('mei@gmail.com')).not.toBe(canonicalEmail('mei@gmail.ca'));
  });
});
