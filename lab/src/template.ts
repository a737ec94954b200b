import type { Replica } from './run-context.js';

export interface TemplateScope {
  urls: Readonly<Record<string, string>>;
  selections: ReadonlyMap<string, readonly Replica[]>;
}

/**
 * Fills ${gateway}, ${registry}, ... and ${name.id} / ${name.ids} / ${name.url} of a selection saved
 * with `as:`; an unknown name is an error naming it, never an empty string.
 */
export function fill(text: string, scope: TemplateScope): string {
  return text.replace(
    /\$\{([a-zA-Z][\w-]*)(?:\.(id|ids|url|container))?\}/g,
    (_all, name: string, field?: string) => {
      if (field === undefined) {
        const url = scope.urls[name];
        if (url === undefined)
          throw new Error(`unknown \${${name}}: known are ${Object.keys(scope.urls).join(', ')}`);
        return url;
      }
      const replicas = scope.selections.get(name);
      if (!replicas?.length)
        throw new Error(`\${${name}.${field}}: no earlier step saved replicas as "${name}"`);
      if (field === 'ids') return replicas.map((r) => r.id).join(',');
      const first = replicas[0] as Replica;
      const value = field === 'url' ? first.url : field === 'container' ? first.container : first.id;
      if (value === undefined)
        throw new Error(`\${${name}.${field}}: the replicas saved as "${name}" have no ${field}`);
      return value;
    },
  );
}

/** fill() through every string of a JSON-like value. */
export function fillDeep<T>(value: T, scope: TemplateScope): T {
  if (typeof value === 'string') return fill(value, scope) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => fillDeep(v, scope)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v, scope)])) as T;
  return value;
}
