import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';

interface Op {
  tags: string[];
  parameters: { name: string; in: string }[];
  responses: Record<string, { description?: string }>;
}
const paths = buildOpenApiDocument().paths as Record<string, Record<string, Op>>;

describe('buildOpenApiDocument', () => {
  it('declares every {placeholder} of a path as a path parameter, and no other', () => {
    for (const [path, methods] of Object.entries(paths)) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(methods))
        expect(
          op.parameters.filter((p) => p.in === 'path').map((p) => p.name),
          path,
        ).toEqual(placeholders);
    }
  });

  it('tags each operation with the first segment of its path and describes every response', () => {
    for (const [path, methods] of Object.entries(paths)) {
      for (const op of Object.values(methods)) {
        const segment = path.split('/')[1] ?? '';
        expect([segment, 'gateway'], path).toContain(op.tags[0]);
        for (const [code, response] of Object.entries(op.responses))
          expect(response.description, `${path} ${code}`).toBeTruthy();
      }
    }
  });

  it("lists the gateway's own errors on every route proxied to the shop", () => {
    expect(Object.keys(paths['/order/create']?.post?.responses ?? {}).sort()).toEqual([
      '200',
      '201',
      '400',
      '409',
      '422',
      '503',
      '504',
    ]);
  });
});
