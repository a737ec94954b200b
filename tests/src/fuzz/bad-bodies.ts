import fc from 'fast-check';

/** Field names of meshlab's JSON APIs, and names that hit object prototypes. */
const fieldNames = [
  'productId',
  'quantity',
  'userId',
  'rps',
  'name',
  'id',
  'url',
  'metadata',
  'errorRate',
  'latencyMs',
  'jitterMs',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

/** Values that loose parsing takes for numbers or ids. */
const trickyValues = fc.constantFrom<unknown>(
  true,
  false,
  null,
  [[4]],
  [4],
  '0x10',
  '1e1',
  ' 4',
  '4 ',
  '',
  '-1',
  '1.5',
  'NaN',
  'Infinity',
  1e308,
  -0,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  'constructor',
  '__proto__',
  'http://gateway:8080',
  'x'.repeat(5000),
  {},
  { valueOf: 1 },
);

const value: fc.Arbitrary<unknown> = fc.oneof(trickyValues, fc.jsonValue({ maxDepth: 4 }));

/** A value nested `depth` deep, written as text so building it never recurses. */
const deep = fc
  .tuple(fc.integer({ min: 1, max: 50_000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`);

const objectBody = fc
  .dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 20 })), value, { maxKeys: 6 })
  .map((o) => JSON.stringify(o));

const deepInField = fc
  .tuple(fc.constantFrom(...fieldNames), deep)
  .map(([field, nested]) => `{${JSON.stringify(field)}:${nested}}`);

const notJson = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '{"productId":', '[', '{"a":1,}', "{'a':1}", 'null', '"text"', '42', 'true', '\u0000'),
);

/** Request bodies an attacker or a broken client sends: wrong types, prototype names, deep nesting, not JSON. */
export const badBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: objectBody },
  { weight: 2, arbitrary: deepInField },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: notJson },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v) ?? 'null') },
);

export const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
);
