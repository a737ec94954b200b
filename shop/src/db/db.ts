import type { Logger } from '@meshlab/common';
import pg from 'pg';
import { classifyDbError, DependencyUnavailableError } from './db-errors.js';
import type { DbMetrics } from './db-metrics.js';

export interface DbOptions {
  url: string;
  /** Connections at most (a small pool: each replica holds this many). */
  poolMax: number;
  /** How long a query waits for a connection before it fails. */
  connectTimeoutMs: number;
  /** Server-side statement timeout, and the client-side one a little after it. */
  statementTimeoutMs: number;
  applicationName?: string;
}

export type Row = Record<string, unknown>;

/** One query runner: the pool itself or a transaction's client. */
export interface Queryable {
  query<R extends Row = Row>(name: string, sql: string, params?: unknown[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly pool: pg.Pool;
  /** Runs `work` in BEGIN/COMMIT on one connection, ROLLBACK when it throws. */
  transaction<T>(name: string, work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function createPool(options: DbOptions): pg.Pool {
  return new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs,
    lock_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 5,
    query_timeout: options.statementTimeoutMs + 500,
    application_name: options.applicationName ?? 'meshlab-shop',
  });
}

/**
 * A Db on a pg pool: every failure is counted by kind; an unreachable or too slow database becomes
 * 503 dependency_unavailable (other errors pass through).
 */
export function createDb(pool: pg.Pool, deps: { logger: Logger; metrics?: DbMetrics }): Db {
  // An idle connection the server dropped emits 'error' on the pool; without a listener it would crash the process.
  pool.on('error', (error) =>
    deps.logger.warn({ reason: error.message }, 'an idle database connection failed'),
  );

  function fail(name: string, error: unknown): never {
    const kind = classifyDbError(error);
    deps.metrics?.countError(kind);
    if (kind === 'query') throw error;
    throw new DependencyUnavailableError(name, kind, error);
  }

  const run =
    (client: pg.Pool | pg.PoolClient, prefix = '') =>
    async <R extends Row = Row>(name: string, sql: string, params: unknown[] = []): Promise<R[]> => {
      const started = performance.now();
      try {
        const result = await client.query<R>(sql, params);
        return result.rows;
      } catch (error) {
        return fail(prefix + name, error);
      } finally {
        deps.metrics?.observeQuery((performance.now() - started) / 1000);
      }
    };

  return {
    pool,
    query: run(pool),
    async transaction<T>(name: string, work: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        return fail(name, error);
      }
      const tx: Queryable = { query: run(client, `${name}: `) };
      let broken: unknown;
      try {
        await tx.query('begin', 'BEGIN');
        const result = await work(tx);
        await tx.query('commit', 'COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollback: unknown) => {
          broken = rollback;
        });
        throw error;
      } finally {
        // A connection that failed its ROLLBACK is destroyed, not returned to the pool.
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    close: () => pool.end(),
  };
}
