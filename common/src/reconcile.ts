/** How a set of named entries changed when a reloaded config replaced it. */
export interface NamedChange {
  added: string[];
  changed: string[];
  removed: string[];
  kept: string[];
}

export interface ReconcileOptions<V, C> {
  /** The entry still matches its config: keep it as it is, state and all. */
  unchanged(entry: V, config: C): boolean;
  /** The entry for an added config, or for a changed one (given the entry it replaces). */
  build(name: string, config: C, replaced: V | undefined): V;
  /** Undoes a built entry when a later build throws. */
  discard?(entry: V): void;
}

/**
 * Replaces `entries` in place, in the order of `configs`: a name whose config is unchanged keeps its
 * entry, the others are built. All or nothing: when a build throws, the entries built so far are
 * discarded and `entries` is left as it was. Returns the change, and the entries that left (changed
 * and removed ones) for the caller to retire.
 */
export function reconcileByName<V, C>(
  entries: Map<string, V>,
  configs: Iterable<readonly [string, C]>,
  options: ReconcileOptions<V, C>,
): { change: NamedChange; replaced: V[] } {
  const change: NamedChange = { added: [], changed: [], removed: [], kept: [] };
  const next = new Map<string, V>();
  const built: V[] = [];
  const replaced: V[] = [];
  try {
    for (const [name, config] of configs) {
      const current = entries.get(name);
      if (current !== undefined && options.unchanged(current, config)) {
        next.set(name, current);
        change.kept.push(name);
        continue;
      }
      const entry = options.build(name, config, current);
      built.push(entry);
      next.set(name, entry);
      if (current === undefined) change.added.push(name);
      else {
        change.changed.push(name);
        replaced.push(current);
      }
    }
  } catch (error) {
    for (const entry of built) options.discard?.(entry);
    throw error;
  }
  for (const [name, entry] of entries) {
    if (next.has(name)) continue;
    change.removed.push(name);
    replaced.push(entry);
  }
  entries.clear();
  for (const [name, entry] of next) entries.set(name, entry);
  return { change, replaced };
}
