import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../helpers/database';
import { currentTotp } from '../../server/accounts/totp';

const ROOT = path.join(__dirname, '..', '..');
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'vrp-cli-')) };
});
afterAll(async () => { await db.drop(); });

/** `npx portal ...` on the TypeScript sources, against this file's database. */
const portal = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['-r', './test/helpers/ts-register.js', 'server/cli/main.ts', ...args], { cwd: ROOT, env, input, encoding: 'utf8', timeout: 30_000 });

describe('npx portal', () => {
  it('when creating a staff user, then it prints a one-time password and a working TOTP secret', () => {
    const run = portal(['user', 'create', '--email', 'rev@agency.example', '--name', 'Rev Iewer', '--role', 'reviewer']);
    expect(run.status).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(run.stdout)?.[1];
    const secret = /TOTP secret .*: ([A-Z2-7]+)/.exec(run.stdout)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(20);
    expect(currentTotp(secret!)).toMatch(/^\d{6}$/);
    expect(run.stdout).toContain('otpauth://totp/');
  });

  it('when the password comes on stdin, then it is used and not printed; a weak one is refused', () => {
    const weak = portal(['user', 'create', '--email', 'weak@agency.example', '--name', 'W', '--role', 'legal', '--password-stdin'], 'password\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toContain('commonly used');
    const ok = portal(['user', 'create', '--email', 'legal@agency.example', '--name', 'L', '--role', 'legal', '--password-stdin'], 'a perfectly fine passphrase\n');
    expect(ok.status).toBe(0);
    expect(ok.stdout).not.toContain('a perfectly fine passphrase');
  });

  it('when a vendor has no organization or the role is unknown, then exit 2 with the reason', () => {
    expect(portal(['user', 'create', '--email', 'v@x.example', '--name', 'V', '--role', 'vendor']).stderr).toContain('--organization-id is required');
    const bad = portal(['user', 'create', '--email', 'v@x.example', '--name', 'V', '--role', 'owner']);
    expect(bad.status).toBe(2);
  });

  it('when the audit trail is intact, then audit verify exits 0; after a tamper, 1 naming the row', async () => {
    const ok = portal(['audit', 'verify']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/Audit trail intact: \d+ events/);
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    await owner.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
      UPDATE audit_events SET actor_role = 'admin' WHERE seq = 2;
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;`);
    await owner.end();
    const broken = portal(['audit', 'verify']);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('BROKEN at event 2');
  });

  it('when seed demo runs twice, then the second run changes nothing', () => {
    expect(portal(['seed', 'demo']).stdout).toContain('Demo data created');
    expect(portal(['seed', 'demo']).stdout).toContain('already present');
  });
});
