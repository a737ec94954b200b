import { BadRequestError } from './errors.js';

/** Deepest nesting of objects and arrays a request body may have. */
export const maxJsonDepth = 32;

const openBrace = 0x7b;
const openBracket = 0x5b;
const closeBrace = 0x7d;
const closeBracket = 0x5d;
const quote = 0x22;
const backslash = 0x5c;

/**
 * The deepest object/array nesting of a JSON text, scanned without parsing (so without recursion):
 * brackets inside strings are skipped. Stops counting once past `stopAt`.
 */
export function jsonDepth(text: Uint8Array, stopAt = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === backslash) i++;
      else if (c === quote) inString = false;
    } else if (c === quote) {
      inString = true;
    } else if (c === openBrace || c === openBracket) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAt) return deepest;
    } else if (c === closeBrace || c === closeBracket) {
      depth--;
    }
  }
  return deepest;
}

/** Refuses (400 json_too_deep) a body nested deeper than `limit`; for express.json's `verify`. */
export function assertJsonDepth(body: Uint8Array, limit = maxJsonDepth): void {
  if (jsonDepth(body, limit) > limit) {
    throw new BadRequestError(`request body is nested deeper than ${limit} levels of objects and arrays`, {
      code: 'json_too_deep',
      details: { limit },
    });
  }
}
