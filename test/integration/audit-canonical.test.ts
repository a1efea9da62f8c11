import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser, tokenFor } from '../helpers/factories';
import { TRICKY_NUMBERS, TRICKY_STRINGS, deeplyNested, randomJson, seededRandom, trickyObject } from '../fixtures/json-corpus';
import { SYSTEM_CONTEXT, recordAuditNow } from '../../server/audit/audit.service';
import { verifyAuditChain } from '../../server/audit/audit.verify';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '..', '..', 'docs', 'verify_audit.py');
const LOG = path.join(mkdtempSync(path.join(tmpdir(), 'vrp-audit-jcs-')), 'audit.jsonl');

let t: TestApp;
let legalToken: string;
/** seq of the audit rows written by the API saves below, by name. */
const saved: Record<string, number> = {};

/** Draft field saves as a vendor types them: raw JSON text, so exponents and escapes reach the portal as written. */
const RAW_SAVES: Record<string, string> = {
  numbers: '{"fields": {"n": 5e-7, "big": 1e21, "neg": -0, "huge": 1.5e300, "int": 123456789012345678901234567890, "tiny": 5e-324, "e": 1E-7, "d": 0.1, "x": 333333333.33333329}}',
  keys: '{"fields": {"\\ud83d\\ude00": "astral", "\\ue000": "private use", "\\uffff": 3, "\\u20ac": 4, "a": 5, "\\u0061b": 6, "constructor": {"x": 1}}}',
  escapes: '{"fields": {"s": "\\u2028\\u2029 \\u0001\\u001f\\u007f \\u00e9 Zoë ☃ 😀 \\"\\\\\\/", "t": "\\b\\f\\n\\r\\t"}}',
  nested: `{"fields": {"deep": ${'[{"k":'.repeat(20)}5e-7${'}]'.repeat(20)}}}`,
};

/** Runs SQL as the database owner (superuser here), bypassing the app role and, here, the trigger. */
async function asOwner(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: t.ownerUrl });
  await client.connect();
  try { await client.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete; ${text}; ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`); } finally { await client.end(); }
}

/** Exports the log exactly as docs/audit.md says and runs docs/verify_audit.py over it. */
async function pythonVerdict(expectedHead?: string): Promise<string> {
  await run('python3', [SCRIPT, 'export', `${t.url}/api/v1/audit`, LOG], { env: { ...process.env, VRP_TOKEN: legalToken } });
  const out = await run('python3', [SCRIPT, LOG, ...(expectedHead ? [expectedHead] : [])]).catch((e: { stdout: string }) => e);
  return out.stdout.trim();
}

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  legalToken = await tokenFor(t.app, await buildUser(t.deps, { role: 'legal' }));
  const vendor = await buildUser(t.deps);
  const auth = { Authorization: `Bearer ${await tokenFor(t.app, vendor)}` };
  const p = await buildProceeding(t.deps);
  const draft = await request(t.app).post(`/api/v1/proceedings/${p.docket}/submissions`).set(auth).send({ title: 'Tricky fields' });
  for (const [name, body] of Object.entries(RAW_SAVES)) {
    const res = await request(t.app).patch(`/api/v1/submissions/${draft.body.id}`).set(auth).set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    const row = await t.deps.db.selectFrom('audit_events').select('seq').where('action', '=', 'submission.draft_updated')
      .where('subject_id', '=', draft.body.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    saved[name] = Number(row.seq);
  }
  // The same classes written straight through recordAudit, deeper than any request may be.
  const rand = seededRandom(2200);
  const direct: Record<string, unknown>[] = [
    { numbers: TRICKY_NUMBERS }, { strings: TRICKY_STRINGS }, { keys: trickyObject() }, { deep: deeplyNested(2_500) },
    ...Array.from({ length: 40 }, () => ({ random: randomJson(rand, 6) })),
  ];
  for (const data of direct) await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.corpus', data });
}, 60_000);
afterAll(async () => { await t.close(); });

describe('the portal verifier and docs/verify_audit.py on tricky events', () => {
  it('when PostgreSQL has rewritten the numbers (5e-7 as 0.0000005, 1e21 in full), then both say intact with the same head', async () => {
    const stored = await t.deps.db.selectFrom('audit_events').select('data').where('seq', '=', String(saved['numbers'])).executeTakeFirstOrThrow();
    expect(stored.data).toMatchObject({ after: { fields: { n: 5e-7, big: 1e21, huge: 1.5e300, int: 1.2345678901234568e29 } } });
    const client = new pg.Client({ connectionString: t.ownerUrl });
    await client.connect();
    const text = (await client.query('SELECT data::text AS t FROM audit_events WHERE seq = $1', [saved['numbers']])).rows[0].t as string;
    await client.end();
    expect(text).toContain('0.0000005');
    expect(text).toContain('1000000000000000000000');

    const portal = await verifyAuditChain(t.deps.db);
    expect(portal.ok).toBe(true);
    expect(await pythonVerdict(portal.headHash)).toBe(`OK ${portal.count} ${portal.headHash}`);
  });

  it.each([
    ['a number in a vendor save changes', 'numbers', `data = jsonb_set(data, '{after,fields,n}', '6e-7')`],
    ['an astral and a private-use key swap values', 'keys', `data = jsonb_set(jsonb_set(data, '{after,fields,\ud83d\ude00}', '"private use"'), '{after,fields,\ue000}', '"astral"')`],
    ['a character deep in a nested save changes', 'nested', `data = (replace(data::text, '0.0000005', '0.0000006'))::jsonb`],
  ])('when a superuser edits one row so that %s, then both verifiers say broken at that row', async (_what, name, change) => {
    const seq = saved[name]!;
    const original = await t.deps.db.selectFrom('audit_events').select('data').where('seq', '=', String(seq)).executeTakeFirstOrThrow();
    await asOwner(`UPDATE audit_events SET ${change} WHERE seq = ${seq}`);
    try {
      expect(await verifyAuditChain(t.deps.db)).toMatchObject({ ok: false, firstBadSeq: seq, count: seq - 1 });
      expect(await pythonVerdict()).toMatch(new RegExp(`^BROKEN at seq ${seq} \\(row seq ${seq}\\): hash does not match`));
    } finally {
      const client = new pg.Client({ connectionString: t.ownerUrl });
      await client.connect();
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
      await client.query('UPDATE audit_events SET data = $1::jsonb WHERE seq = $2', [JSON.stringify(original.data), seq]);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
      await client.end();
    }
    expect((await verifyAuditChain(t.deps.db)).ok).toBe(true);
  });
});
