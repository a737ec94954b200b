import { describe, expect, it } from 'vitest';
import { classifyDbError, DependencyUnavailableError } from './db-errors.js';

describe('classifyDbError', () => {
  it.each([
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.5:5432' }, 'connection'],
    [{ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND postgres' }, 'connection'],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, 'connection'],
    [{ code: '08006', message: 'connection failure' }, 'connection'],
    [new Error('Connection terminated unexpectedly'), 'connection'],
    [new Error('timeout exceeded when trying to connect'), 'timeout'],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, 'timeout'],
    [new Error('Query read timeout'), 'timeout'],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, 'query'],
    [{ code: '42P01', message: 'relation "carts" does not exist' }, 'query'],
  ])('classifies %j as %s', (error, kind) => {
    expect(classifyDbError(error)).toBe(kind);
  });
});

describe('DependencyUnavailableError', () => {
  it('is a 503 dependency_unavailable naming the operation, the kind and the reason', () => {
    const error = new DependencyUnavailableError(
      'cart claim',
      'connection',
      new Error('connect ECONNREFUSED'),
    );
    expect(error.status).toBe(503);
    expect(error.toJSON()).toEqual({
      error: 'dependency_unavailable',
      message: 'cart claim on the database failed (connection): connect ECONNREFUSED',
      dependency: 'postgres',
    });
  });
});
