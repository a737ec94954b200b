import type { Db } from './db.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The shop's schema. Append, never edit: a database keeps the versions it has applied. */
export const shopMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'carts and orders',
    sql: `
      CREATE TABLE carts (
        user_id text PRIMARY KEY,
        items jsonb NOT NULL DEFAULT '[]',
        claim_id text,
        claim_expires_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE orders (
        seq bigserial UNIQUE,
        order_id text PRIMARY KEY,
        user_id text NOT NULL,
        idempotency_key text UNIQUE,
        claim_id text UNIQUE,
        body jsonb NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX orders_by_user ON orders (user_id, seq);
      CREATE TABLE order_requests (
        idempotency_key text PRIMARY KEY,
        user_id text NOT NULL,
        order_id text REFERENCES orders (order_id),
        reserved_at timestamptz NOT NULL
      );
    `,
  },
];

// Any constant works as long as every replica uses the same one (pg_advisory_xact_lock takes a bigint).
const migrationLock = 7_016_2026;

/**
 * Applies the migrations not yet applied, in one transaction under an advisory lock: two replicas
 * starting at once apply each migration once (the second waits, then finds them applied).
 * Returns the versions this call applied.
 */
export async function runMigrations(
  db: Db,
  migrations: readonly Migration[] = shopMigrations,
): Promise<number[]> {
  return db.transaction('migrate', async (tx) => {
    await tx.query('migration lock', 'SELECT pg_advisory_xact_lock($1)', [migrationLock]);
    await tx.query(
      'migration table',
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await tx.query<{ version: number }>(
      'migrations applied',
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(done.map((row) => row.version));
    const ran: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await tx.query(`migration ${migration.version}`, migration.sql);
      await tx.query('migration record', 'INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      ran.push(migration.version);
    }
    return ran;
  });
}
