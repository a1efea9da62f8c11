import { randomBytes } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../server/db/database';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildDocumentRow, buildOrganization, buildProceeding, buildUser, type TestUser } from '../helpers/factories';
import { pdf } from '../fixtures/uploads';
import {
  assignBates, batesLabel, batesPrefix, findBatesRanges, recordDocumentsInBatesOrder, setBatesPrefix,
} from '../../server/exports/bates.repository';

/**
 * Bates numbers as stored (issue 10, EXPORT.md "Bates numbers"): one prefix per proceeding, a range
 * per document given once, in the record's order, never overlapping, never reused, even when two
 * exports allocate at the same moment; and the database refuses anything else from the app's role.
 */
let t: TestApp;
let staff: TestUser;
beforeAll(async () => {
  t = await startTestApp();
  staff = await buildUser(t.deps, { role: 'admin' });
});
afterAll(async () => { await t.close(); });

const unique = () => randomBytes(4).toString('hex');

/** A notice document row of the proceeding (the bytes are not needed to number it). */
async function noticeDocument(proceedingId: string, at: Date): Promise<string> {
  const row = await t.deps.db.insertInto('notice_documents').values({
    proceeding_id: proceedingId, title: `Notice exhibit ${unique()}`, original_name: 'notice.pdf', media_type: 'application/pdf',
    size: 10, sha256: 'a'.repeat(64), storage_key: `sha256/aa/${'a'.repeat(64)}`, created_by: staff.id, created_at: at,
  }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A submission with documents, filed the way the database allows it: documents added while it is a
 * draft, then the draft marked filed with a tracking number (or left a draft).
 */
async function submission(proceeding: { id: string; docket: string }, trackingSeq: number | null, docs: number): Promise<{ id: string; documents: string[] }> {
  const vendor = await buildUser(t.deps, { organizationId: await buildOrganization(t.deps) });
  const row = await t.deps.db.insertInto('submissions').values({
    proceeding_id: proceeding.id, organization_id: vendor.organizationId!, created_by: vendor.id, kind: 'response', title: `Response ${unique()}`,
  }).returning('id').executeTakeFirstOrThrow();
  const documents: string[] = [];
  for (let i = 0; i < docs; i += 1) {
    documents.push(await buildDocumentRow(t.deps, row.id, vendor.id, { data: pdf(`/Subject (${unique()}) `) }));
    await sql`SELECT pg_sleep(0.002)`.execute(t.deps.db); // distinct created_at
  }
  if (trackingSeq !== null) {
    await t.deps.db.updateTable('submissions').set({
      status: 'submitted', tracking_number: `${proceeding.docket}-${String(trackingSeq).padStart(6, '0')}`, submitted_at: new Date(),
      submitted_by: vendor.id, receipt: JSON.stringify({}),
    }).where('id', '=', row.id).execute();
  }
  return { id: row.id, documents };
}

describe('the prefix', () => {
  it('when a proceeding is numbered first, then its prefix is the docket without hyphens, stored, and never the tracking-number shape', async () => {
    const p = await buildProceeding(t.deps);
    const prefix = await batesPrefix(t.deps.db, p.id);
    expect(prefix).toBe(p.docket.replace(/-/g, ''));
    expect(prefix).not.toContain('-');
    expect(await batesPrefix(t.deps.db, p.id)).toBe(prefix);
    expect(batesLabel(prefix, 1)).toBe(`${prefix}000001`);
  });

  it('when two dockets differ only by hyphens, then the second proceeding gets the prefix with a letter added, so prefixes stay unique', async () => {
    const base = `Q${unique().toUpperCase()}`;
    const a = await t.deps.db.insertInto('proceedings').values(proceedingValues(`${base.slice(0, 3)}-${base.slice(3)}`)).returning('id').executeTakeFirstOrThrow();
    const b = await t.deps.db.insertInto('proceedings').values(proceedingValues(`${base.slice(0, 5)}-${base.slice(5)}`)).returning('id').executeTakeFirstOrThrow();
    expect(await batesPrefix(t.deps.db, a.id)).toBe(base);
    expect(await batesPrefix(t.deps.db, b.id)).toBe(`${base}B`);
  });

  it('when a prefix is set before any number is given, then it is used; once numbers carry it, the database refuses a change', async () => {
    const p = await buildProceeding(t.deps);
    const chosen = `X${unique().toUpperCase()}`;
    await setBatesPrefix(t.deps.db, p.id, chosen);
    expect(await batesPrefix(t.deps.db, p.id)).toBe(chosen);
    await expect(setBatesPrefix(t.deps.db, p.id, 'bad-prefix')).rejects.toThrow(/not a Bates prefix/);
    const notice = await noticeDocument(p.id, new Date());
    await assignBates(t.deps.db, p.id, [{ documentId: notice, pages: 1 }]);
    await expect(setBatesPrefix(t.deps.db, p.id, `Y${unique().toUpperCase()}`)).rejects.toThrow(/in use and cannot change/);
  });
});

const proceedingValues = (docket: string) => ({
  docket, title: `Proceeding ${docket}`, summary: 's', notice_text: 'n', opens_at: new Date(Date.now() - 3_600_000), closes_at: new Date(Date.now() + 86_400_000),
  time_zone: 'America/New_York', late_policy: 'reject' as const, response_schema: null,
  limits: JSON.stringify({ maxFileBytes: 1_000_000, maxFiles: 5, maxTotalBytes: 5_000_000 }),
});

describe('assigning ranges', () => {
  it('when documents are numbered in the record order, then notice documents come first by creation, then filed submissions by tracking number, documents by creation; drafts are left out', async () => {
    const p = await buildProceeding(t.deps);
    const second = await submission(p, 2, 2);
    const first = await submission(p, 1, 2);
    const draft = await submission(p, null, 1);
    const noticeLate = await noticeDocument(p.id, new Date(Date.now() + 1000));
    const noticeEarly = await noticeDocument(p.id, new Date(Date.now() - 1000));
    const order = await recordDocumentsInBatesOrder(t.deps.db, p.id);
    expect(order.map((d) => d.documentId)).toEqual([noticeEarly, noticeLate, ...first.documents, ...second.documents]);
    expect(order.map((d) => d.documentId)).not.toContain(draft.documents[0]);
    expect(order[2]).toMatchObject({ source: 'submission', submissionId: first.id, trackingNumber: `${p.docket}-000001` });

    const pages = [3, 1, 4, 1, 5, 9];
    const ranges = await assignBates(t.deps.db, p.id, order.map((d, i) => ({ documentId: d.documentId, pages: pages[i]! })));
    expect(order.map((d) => ranges.get(d.documentId))).toEqual([
      { first: 1, last: 3 }, { first: 4, last: 4 }, { first: 5, last: 8 }, { first: 9, last: 9 }, { first: 10, last: 14 }, { first: 15, last: 23 },
    ]);
  });

  it('when a later export asks again, with other page counts and in another order, then every stored range comes back unchanged and new documents follow the highest number', async () => {
    const p = await buildProceeding(t.deps);
    const s = await submission(p, 1, 2);
    const before = await assignBates(t.deps.db, p.id, s.documents.map((id) => ({ documentId: id, pages: 2 })));
    const later = await submission(p, 2, 1);
    const again = await assignBates(t.deps.db, p.id, [
      { documentId: later.documents[0]!, pages: 3 }, { documentId: s.documents[1]!, pages: 7 }, { documentId: s.documents[0]!, pages: 1 },
    ]);
    expect(again.get(s.documents[0]!)).toEqual(before.get(s.documents[0]!));
    expect(again.get(s.documents[1]!)).toEqual({ first: 3, last: 4 });
    expect(again.get(later.documents[0]!)).toEqual({ first: 5, last: 7 });
    expect([...again.keys()]).toEqual([later.documents[0], s.documents[1], s.documents[0]]);
    expect(await findBatesRanges(t.deps.db, s.documents)).toEqual(new Map(s.documents.map((id) => [id, before.get(id)])));
  });

  it('when a document of another proceeding, an unknown id or a page count below one is given, then nothing is allocated', async () => {
    const p = await buildProceeding(t.deps);
    const other = await buildProceeding(t.deps);
    const foreign = await noticeDocument(other.id, new Date());
    await expect(assignBates(t.deps.db, p.id, [{ documentId: foreign, pages: 1 }])).rejects.toThrow(/not a document of proceeding/);
    await expect(assignBates(t.deps.db, p.id, [{ documentId: '00000000-0000-4000-8000-000000000000', pages: 1 }])).rejects.toThrow(/not a document/);
    const own = await noticeDocument(p.id, new Date());
    await expect(assignBates(t.deps.db, p.id, [{ documentId: own, pages: 0 }])).rejects.toThrow(/positive integer/);
    expect((await findBatesRanges(t.deps.db, [foreign, own])).size).toBe(0);
    expect(await assignBates(t.deps.db, p.id, [{ documentId: own, pages: 1 }])).toEqual(new Map([[own, { first: 1, last: 1 }]]));
  });

  it('when the allocating transaction rolls back, then its numbers were never given out and the next allocation starts where the committed ones end', async () => {
    const p = await buildProceeding(t.deps);
    const [a, b] = [await noticeDocument(p.id, new Date()), await noticeDocument(p.id, new Date())];
    await expect(t.deps.db.transaction().execute(async (trx) => {
      await assignBates(trx, p.id, [{ documentId: a, pages: 5 }]);
      throw new Error('export failed');
    })).rejects.toThrow('export failed');
    expect(await assignBates(t.deps.db, p.id, [{ documentId: b, pages: 1 }, { documentId: a, pages: 2 }])).toEqual(new Map([[b, { first: 1, last: 1 }], [a, { first: 2, last: 3 }]]));
  });
});

describe('two exports at once', () => {
  /** Runs `fn` in a transaction that stays open until the returned `commit` is called. */
  function heldTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const done = t.deps.db.transaction().execute(async (trx) => {
      const value = await fn(trx);
      await gate;
      return value;
    });
    return { done, commit: release };
  }

  it('when a second allocation starts while the first is uncommitted, then it waits for it and gets the numbers after it; shared documents keep the first one\'s range', async () => {
    const p = await buildProceeding(t.deps);
    const docs = [await noticeDocument(p.id, new Date()), await noticeDocument(p.id, new Date()), await noticeDocument(p.id, new Date())];
    await batesPrefix(t.deps.db, p.id);
    const first = heldTransaction((trx) => assignBates(trx, p.id, [{ documentId: docs[0]!, pages: 4 }, { documentId: docs[1]!, pages: 2 }]));
    await new Promise((r) => setTimeout(r, 200));
    let secondDone = false;
    const second = t.deps.db.transaction().execute((trx) => assignBates(trx, p.id, [{ documentId: docs[1]!, pages: 9 }, { documentId: docs[2]!, pages: 3 }]))
      .finally(() => { secondDone = true; });
    await new Promise((r) => setTimeout(r, 500));
    expect(secondDone).toBe(false); // waiting on the series lock
    first.commit();
    const [a, b] = await Promise.all([first.done, second]);
    expect(a).toEqual(new Map([[docs[0], { first: 1, last: 4 }], [docs[1], { first: 5, last: 6 }]]));
    expect(b).toEqual(new Map([[docs[1], { first: 5, last: 6 }], [docs[2], { first: 7, last: 9 }]]));
  });

  it('when many exports allocate disjoint documents at the same moment, then every range is distinct and together they cover 1..N without gap or overlap', async () => {
    const p = await buildProceeding(t.deps);
    const docs: string[] = [];
    for (let i = 0; i < 12; i += 1) docs.push(await noticeDocument(p.id, new Date()));
    const groups = [docs.slice(0, 4), docs.slice(4, 8), docs.slice(8, 12)];
    const results = await Promise.all(groups.map((g, gi) => t.deps.db.transaction().execute((trx) =>
      assignBates(trx, p.id, g.map((id, i) => ({ documentId: id, pages: 1 + ((gi + i) % 3) }))))));
    const ranges = results.flatMap((m) => [...m.values()]).sort((x, y) => x.first - y.first);
    let next = 1;
    for (const r of ranges) {
      expect(r.first).toBe(next);
      next = r.last + 1;
    }
    const stored = await t.deps.db.selectFrom('bates_series').select('last_number').where('proceeding_id', '=', p.id).executeTakeFirstOrThrow();
    expect(Number(stored.last_number)).toBe(next - 1);
  });
});

describe('what the database refuses from the app role', () => {
  it('when a range is updated, deleted or truncated, or one overlaps or goes back, or the counter decreases, then each is refused and nothing changes', async () => {
    const p = await buildProceeding(t.deps);
    const [a, b] = [await noticeDocument(p.id, new Date()), await noticeDocument(p.id, new Date())];
    await assignBates(t.deps.db, p.id, [{ documentId: a, pages: 3 }]);
    const db = t.deps.db;
    await expect(db.updateTable('bates_ranges').set({ source: 'submission' }).where('document_id', '=', a).execute()).rejects.toThrow(/permission denied|cannot be changed/);
    await expect(db.deleteFrom('bates_ranges').where('document_id', '=', a).execute()).rejects.toThrow(/permission denied|cannot be changed/);
    await expect(sql`TRUNCATE bates_ranges`.execute(db)).rejects.toThrow(/permission denied|cannot be removed/);
    await expect(db.transaction().execute(async (trx) => {
      await trx.updateTable('bates_series').set({ last_number: 10 }).where('proceeding_id', '=', p.id).execute();
      await trx.insertInto('bates_ranges').values({ document_id: b, proceeding_id: p.id, source: 'notice', first_number: 2, last_number: 4 }).execute();
    })).rejects.toThrow(/overlaps or precedes/);
    await expect(db.insertInto('bates_ranges').values({ document_id: b, proceeding_id: p.id, source: 'notice', first_number: 4, last_number: 4 }).execute())
      .rejects.toThrow(/beyond the counter/);
    const c = await noticeDocument(p.id, new Date());
    await expect(db.transaction().execute(async (trx) => {
      await trx.updateTable('bates_series').set({ last_number: 20 }).where('proceeding_id', '=', p.id).execute();
      await trx.insertInto('bates_ranges').values([
        { document_id: b, proceeding_id: p.id, source: 'notice', first_number: 4, last_number: 8 },
        { document_id: c, proceeding_id: p.id, source: 'notice', first_number: 8, last_number: 9 },
      ]).execute();
    })).rejects.toThrow(/overlaps another/);
    await expect(db.transaction().execute(async (trx) => {
      await trx.updateTable('bates_series').set({ last_number: 20 }).where('proceeding_id', '=', p.id).execute();
      await trx.insertInto('bates_ranges').values({ document_id: b, proceeding_id: p.id, source: 'submission', first_number: 4, last_number: 4 }).execute();
    })).rejects.toThrow(/not a submission document/);
    await expect(db.updateTable('bates_series').set({ last_number: 1 }).where('proceeding_id', '=', p.id).execute()).rejects.toThrow(/never reused/);
    await expect(db.deleteFrom('bates_series').where('proceeding_id', '=', p.id).execute()).rejects.toThrow(/permission denied|cannot be removed/);
    expect(await findBatesRanges(db, [a, b])).toEqual(new Map([[a, { first: 1, last: 3 }]]));
    expect(await assignBates(db, p.id, [{ documentId: b, pages: 1 }])).toEqual(new Map([[b, { first: 4, last: 4 }]]));
  });
});
