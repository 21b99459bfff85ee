// One person, one action per campaign: the same mailbox written differently is the same person.
// Case never matters. Gmail ignores dots, and googlemail.com is gmail.com. A `+tag` is dropped
// only where the provider documents it as the same mailbox (sub-addressing): elsewhere
// `mei+x@example.org` may well be somebody else's mailbox, and treating it as mei@example.org
// would let a stranger pass for her. This key is for recognising people only: emails are always
// sent to the address as typed.
const DOTS_IGNORED = new Set(['gmail.com', 'googlemail.com']);

/** Providers whose documentation says `name+anything@` reaches `name@`. */
export const PLUS_ADDRESSING = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'fastmail.com',
  'fastmail.fm',
  'proton.me',
  'protonmail.com',
  'pm.me',
]);

export function canonicalEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at < 1) return trimmed;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  if (PLUS_ADDRESSING.has(domain)) local = local.split('+')[0] || local;
  if (DOTS_IGNORED.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}

/** A campaigner's address as typed: something@somewhere.tld, at most 254 characters. */
export const looksLikeEmail = (email: string): boolean => email.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email);
