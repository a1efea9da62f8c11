import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../../server/db/migrate';

const serverUrl = (): string => {
  const url = process.env['TEST_DATABASE_URL'];
  if (!url) throw new Error('TEST_DATABASE_URL is unset (global setup should have set it)');
  return url;
};

export const databaseUrl = (name: string): string => {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

/** Template name changes whenever a migration's text does, so a stale template is never reused. */
function templateName(): string {
  const dir = path.join(__dirname, '..', '..', 'migrations');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(path.join(dir, f)));
  hash.update(readFileSync(path.join(__dirname, '..', '..', 'server', 'db', 'migrate.ts')));
  return `vrp_tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Migrates the template once per migration set; parallel test files wait on an advisory lock. */
async function ensureTemplate(): Promise<string> {
  const name = templateName();
  await withAdmin(async (c) => {
    await c.query('SELECT pg_advisory_lock(727274)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      await c.query(`CREATE DATABASE ${name}_building`);
      await migrateToLatest(databaseUrl(`${name}_building`));
      await c.query(`ALTER DATABASE ${name}_building RENAME TO ${name}`);
    } catch (err) {
      await c.query(`DROP DATABASE IF EXISTS ${name}_building`);
      throw err;
    } finally {
      await c.query('SELECT pg_advisory_unlock(727274)');
    }
  });
  return name;
}

/** A fresh, migrated database of this test file's own; drop() removes it. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const template = await ensureTemplate();
  const name = `vrp_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    name,
    url: databaseUrl(name),
    drop: () => withAdmin(async (c) => { await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`); }),
  };
}
