import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor } from '../helpers/factories';
import { SYSTEM_CONTEXT, recordAudit, recordAuditNow } from '../../server/audit/audit.service';
import { verifyAuditChain } from '../../server/audit/audit.verify';
import { auditVerify } from '../../server/cli/audit-verify';

let t: TestApp;
let legalToken: string;
beforeAll(async () => {
  t = await startTestApp();
  legalToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'legal' }));
});
afterAll(async () => { await t.close(); });

/** Runs SQL as the database owner (superuser here), bypassing the app role. */
async function asOwner(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try { await client.query(text); } finally { await client.end(); }
}

describe('the audit chain', () => {
  it('when many writers append at once, then the chain never forks and verifies', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) =>
      recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.concurrent', subjectId: `s${i}`, data: { i } })));
    const result = await verifyAuditChain(t.deps.db);
    expect(result.ok).toBe(true);
    const { max, n } = (await sql<{ max: string; n: string }>`SELECT max(seq) AS max, count(*) AS n FROM audit_events`.execute(t.deps.db)).rows[0]!;
    expect(Number(max)).toBe(Number(n));
    expect(result.count).toBe(Number(n));
  });

  it('when the change rolls back, then its audit row is gone too', async () => {
    const before = await verifyAuditChain(t.deps.db);
    await expect(t.deps.db.transaction().execute(async (trx) => {
      await recordAudit(trx, SYSTEM_CONTEXT, { action: 'test.rolled_back' });
      throw new Error('change failed');
    })).rejects.toThrow('change failed');
    const rows = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'test.rolled_back').execute();
    expect(rows).toHaveLength(0);
    expect((await verifyAuditChain(t.deps.db)).count).toBe(before.count);
  });

  it('when secrets appear in event data, then they are stored masked', async () => {
    await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.masked', data: { password: 'hunter2hunter2', nested: { apiToken: 'vrp_x' }, kept: 'yes' } });
    const row = await t.deps.db.selectFrom('audit_events').select('data').where('action', '=', 'test.masked').executeTakeFirstOrThrow();
    expect(row.data).toEqual({ password: '[masked]', nested: { apiToken: '[masked]' }, kept: 'yes' });
  });
});

describe('append-only enforcement', () => {
  it.each([
    ['UPDATE', `UPDATE audit_events SET action = 'forged'`, /permission denied/],
    ['DELETE', 'DELETE FROM audit_events', /permission denied/],
    ['TRUNCATE', 'TRUNCATE audit_events', /permission denied/],
    ['disable the trigger', 'ALTER TABLE audit_events DISABLE TRIGGER USER', /must be owner/],
  ])('when the app role tries to %s, then the database refuses', async (_what, statement, refusal) => {
    await expect(sql.raw(statement).execute(t.deps.db)).rejects.toThrow(refusal);
  });

  it('when even the owner updates a row with the trigger on, then the trigger refuses', async () => {
    await expect(asOwner(`UPDATE audit_events SET action = 'forged' WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });
});

describe('GET /api/v1/audit/verify and portal audit verify', () => {
  it('when the chain is intact, then ok with count and head hash', async () => {
    const res = await request(t.app).get('/api/v1/audit/verify').set('Authorization', `Bearer ${legalToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    expect(res.body.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.count).toBeGreaterThan(40);
  });

  it('when the log is exported page by page, then docs/verify_audit.py (Python stdlib) agrees, and spots an edit', async () => {
    await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.unicode', data: { name: 'Zoë "Ω" \u0007 ☃', n: [1, 2.5, -3] } });
    const items: object[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(t.app).get(`/api/v1/audit?limit=200${cursor ? `&cursor=${cursor}` : ''}`).set('Authorization', `Bearer ${legalToken}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const head = (await verifyAuditChain(t.deps.db)).headHash;
    const dir = mkdtempSync(path.join(tmpdir(), 'vrp-audit-'));
    const file = path.join(dir, 'audit.jsonl');
    writeFileSync(file, items.map((i) => JSON.stringify(i)).join('\n'));
    const script = path.join(__dirname, '..', '..', 'docs', 'verify_audit.py');
    expect(execFileSync('python3', [script, file, head], { encoding: 'utf8' }).trim()).toBe(`OK ${items.length} ${head}`);

    const forged = items.map((i, n) => JSON.stringify(n === 2 ? { ...i, action: 'forged' } : i)).join('\n');
    writeFileSync(file, forged);
    const run = spawnSync('python3', [script, file], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('BROKEN at seq 3');
  });

  it('when a superuser alters a row with the trigger disabled, then the verifier names that row', async () => {
    await asOwner(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete;
      UPDATE audit_events SET data = '{"i": 999}' WHERE seq = 7;
      ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete;`);
    const res = await request(t.app).get('/api/v1/audit/verify').set('Authorization', `Bearer ${legalToken}`);
    expect(res.body).toMatchObject({ ok: false, firstBadSeq: 7, count: 6 });

    const out: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((s) => { out.push(String(s)); return true; });
    try {
      expect(await auditVerify(t.deps)).toBe(1);
    } finally {
      write.mockRestore();
    }
    expect(out.join('')).toContain('BROKEN at event 7');
  });

  it('when a vendor asks, then 403 and the denial itself is audited', async () => {
    const vendor = await buildUser(t.deps);
    const res = await request(t.app).get('/api/v1/audit').set('Authorization', `Bearer ${await tokenFor(t.app, vendor)}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('forbidden');
    const denial = await t.deps.db.selectFrom('audit_events').selectAll()
      .where('action', '=', 'access.denied').where('actor_id', '=', vendor.id).executeTakeFirst();
    expect(denial?.data).toMatchObject({ method: 'GET', path: '/api/v1/audit' });
  });

  it('when legal pages through GET /audit, then items come in sequence with a cursor', async () => {
    const first = await request(t.app).get('/api/v1/audit?limit=5&action=test.concurrent').set('Authorization', `Bearer ${legalToken}`);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(5);
    const next = await request(t.app).get(`/api/v1/audit?limit=5&action=test.concurrent&cursor=${first.body.nextCursor}`).set('Authorization', `Bearer ${legalToken}`);
    expect(next.body.items[0].seq).toBeGreaterThan(first.body.items[4].seq);
    const bad = await request(t.app).get('/api/v1/audit?cursor=nonsense').set('Authorization', `Bearer ${legalToken}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_cursor');
  });
});
