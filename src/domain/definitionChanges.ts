// What a publish changed, for the audit log: each text that differs between two definitions, by
// its path (`title.fr`, `letters.mp.en`, `targets.1.email`), with both versions of a short text.
export interface Change {
  path: string;
  before?: string;
  after?: string;
}

const SHORT = 200;

export function definitionChanges(before: unknown, after: unknown, path = ''): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => definitionChanges(before[key], after[key], path ? `${path}.${key}` : key));
  }
  const text = (v: unknown) => (v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v));
  const [b, a] = [text(before), text(after)];
  // Long texts (a letter) are named, not copied: the versions themselves keep them.
  if ((b?.length ?? 0) > SHORT || (a?.length ?? 0) > SHORT) return [{ path }];
  return [{ path, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) }];
}
