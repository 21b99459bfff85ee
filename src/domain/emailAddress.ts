// One person, one action per campaign: the same mailbox written differently is the same person.
// Case never matters; `+tags` reach the same mailbox at Gmail, Outlook, iCloud, Fastmail, Proton
// and most others; Gmail also ignores dots. This key is for recognising people only: letters are
// always sent with the address as typed.
const DOTS_IGNORED = new Set(['gmail.com', 'googlemail.com']);

export function canonicalEmail(email: string): string {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.lastIndexOf('@');
  if (at < 1) return trimmed;
  let local = trimmed.slice(0, at);
  let domain = trimmed.slice(at + 1);
  local = local.split('+')[0] || local;
  if (DOTS_IGNORED.has(domain)) {
    local = local.replace(/\./g, '');
    domain = 'gmail.com';
  }
  return `${local}@${domain}`;
}
