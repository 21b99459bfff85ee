// A value read at most once every `ttlMs` per key in this process, shared by concurrent callers.
// A failed read is not kept: the next caller tries again.
export interface TtlCache<K, V> {
  get(key: K): Promise<V>;
  /** The next get() reads again (this key, or every key). */
  forget(key?: K): void;
}

export function ttlCache<K, V>(load: (key: K) => Promise<V>, ttlMs: number): TtlCache<K, V> {
  const entries = new Map<K, { at: number; value: Promise<V> }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit && Date.now() - hit.at < ttlMs) return hit.value;
      const value = load(key);
      entries.set(key, { at: Date.now(), value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    forget(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}
