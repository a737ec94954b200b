import { z } from 'zod';

// Letters, digits, '_' and '-', 1..64: safe in a URL path segment without encoding.
export const userIdSchema = z
  .string({ error: 'expected a user id' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1..64 letters, digits, "_" or "-"');

export const productIdSchema = z.coerce
  .number({ error: 'expected a positive integer product id' })
  .int('expected a positive integer product id')
  .min(1, 'expected a positive integer product id')
  .max(Number.MAX_SAFE_INTEGER, 'expected a positive integer product id');

export const maxQuantityPerProduct = 99;

export const quantitySchema = z.coerce
  .number({ error: `expected an integer in 1..${maxQuantityPerProduct}` })
  .int(`expected an integer in 1..${maxQuantityPerProduct}`)
  .min(1, `expected an integer in 1..${maxQuantityPerProduct}`)
  .max(maxQuantityPerProduct, `expected an integer in 1..${maxQuantityPerProduct}`);
