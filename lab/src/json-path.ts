/**
 * A small JSON path: dot-separated keys, `[n]` for an array index, `[key=value]` for the first
 * element whose key equals value, and `length` of an array or object.
 * e.g. services.service-b.endpoints[id=abc].ejected
 */
export function selectPath(data: unknown, path: string): unknown {
  let current: unknown = data;
  // A key, then any number of [..] selectors: "endpoints[id=abc][0]".
  for (const segment of path.split('.')) {
    const match = /^([^[\]]*)((?:\[[^\]]*\])*)$/.exec(segment);
    if (!match) return undefined;
    const [, key = '', selectors = ''] = match;
    if (key) current = child(current, key);
    for (const selector of selectors.match(/\[[^\]]*\]/g) ?? [])
      current = select(current, selector.slice(1, -1));
    if (current === undefined) return undefined;
  }
  return current;
}

function child(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (key === 'length') return Array.isArray(value) ? value.length : Object.keys(value).length;
  return (value as Record<string, unknown>)[key];
}

function select(value: unknown, selector: string): unknown {
  if (!Array.isArray(value)) return undefined;
  if (/^\d+$/.test(selector)) return value[Number(selector)];
  const eq = selector.indexOf('=');
  if (eq === -1) return undefined;
  const key = selector.slice(0, eq);
  const wanted = selector.slice(eq + 1);
  return value.find((item) => String(child(item, key)) === wanted);
}
