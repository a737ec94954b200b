/** Why a request path was refused (400 invalid_path). */
export class InvalidPathError extends Error {
  override readonly name = 'InvalidPathError';
}

// Anything that may need work: '%' escapes, empty or dot segments, backslashes, control characters.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const suspicious = /%|\/\/|\/\.|\\|[\x00-\x1f\x7f]/;
// A '%' not followed by two hex digits.
const badEscape = /%(?![0-9a-fA-F]{2})/;

export interface SafePath {
  /** The normalised path, without the query. */
  path: string;
  /** '' or '?…' as received. */
  query: string;
}

/**
 * The request target as a routing-safe path: origin-form only, '//' collapsed, and any segment that is
 * (or decodes to) '.' or '..', or hides '/', '\' or a control character behind an escape, refused, so a
 * prefix route can never be escaped towards another service.
 */
export function safeRequestPath(url: string): SafePath {
  if (!url.startsWith('/')) throw new InvalidPathError(`request target must start with "/": ${clip(url)}`);
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  if (!suspicious.test(path)) return { path, query };
  if (badEscape.test(path)) throw new InvalidPathError(`malformed %-escape in path: ${clip(path)}`);
  path = path.replace(/\/{2,}/g, '/');
  for (const segment of path.split('/')) {
    const decoded = decodeSegment(segment, path);
    if (decoded === '.' || decoded === '..') {
      throw new InvalidPathError(`dot segments are not allowed in the path: ${clip(path)}`);
    }
    // eslint-disable-next-line no-control-regex -- as above
    if (/[/\\\x00-\x1f\x7f]/.test(decoded)) {
      throw new InvalidPathError(
        `encoded "/", "\\" or control characters are not allowed in the path: ${clip(path)}`,
      );
    }
  }
  return { path, query };
}

function decodeSegment(segment: string, path: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // e.g. %FF or %C3%28: well-formed escapes that are not UTF-8
    throw new InvalidPathError(`%-escapes in the path are not UTF-8: ${clip(path)}`);
  }
}

function clip(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}
