import type { z } from 'zod';
import { describeIssues } from './config.js';
import { BadRequestError } from './errors.js';

/** Validates request input; a failure is a 400 naming every bad field of `where` (body, query, params). */
export function validate<S extends z.ZodType>(schema: S, data: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = describeIssues(result.error, data);
  throw new BadRequestError(`invalid ${where}: ${problems.join('; ')}`, {
    code: 'invalid_request',
    details: { fields: result.error.issues.map((i) => i.path.map(String).join('.') || where) },
  });
}
