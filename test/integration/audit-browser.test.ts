import { randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildUser, tokenFor, totpFor, type TestUser } from '../helpers/factories';
import { csrfFrom, signInBrowser } from '../helpers/session';
import { SYSTEM_CONTEXT, recordAuditNow } from '../../server/audit/audit.service';
import { eventsQuery, listEvents, seqRangeOf, seqRangeQuery, type EventFilter, type SeqRange } from '../../server/audit/audit.repository';
import { parseBound } from '../../server/audit/audit.filters';

/**
 * The audit browser: GET /api/v1/audit's filters (subject, actor, action, from/to), keyset pages,
 * refusals, and the /record/audit pages (legal) and /record/audit/verify (legal, admin), each view
 * and each verification run leaving an event of its own. The last block fills the trail with
 * synthetic rows and checks that every filter's statement walks indexes, never the whole table.
 */
let t: TestApp;
let legal: TestUser;
let legalToken: string;
const SUBJECT = `browser-${randomUUID()}`;
/** Three events a few milliseconds apart, with the times the database stored. */
const timed: { seq: number; at: string }[] = [];

const api = (path: string, token = legalToken) => request(t.app).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const today = () => new Date().toISOString().slice(0, 10);
const dayOffset = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const eventsOf = (action: string, actorId?: string) => {
  let q = t.deps.db.selectFrom('audit_events').selectAll().where('action', '=', action);
  if (actorId) q = q.where('actor_id', '=', actorId);
  return q.orderBy('seq').execute();
};

beforeAll(async () => {
  t = await startTestApp();
  legal = await buildUser(t.deps, { role: 'legal' });
  legalToken = await tokenFor(t.app, legal);
  for (const i of [1, 2, 3]) {
    const head = await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.timed', subjectType: 'test', subjectId: SUBJECT, data: { i } });
    const row = await t.deps.db.selectFrom('audit_events').select('occurred_at').where('seq', '=', String(head.seq)).executeTakeFirstOrThrow();
    timed.push({ seq: head.seq, at: row.occurred_at.toISOString() });
    await sleep(15);
  }
  for (let i = 0; i < 7; i += 1) await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.paged', subjectId: SUBJECT, data: { i } });
});
afterAll(async () => { await t.close(); });

describe('GET /api/v1/audit filters', () => {
  it('when from and to are date-times, then only events inside the range (both ends included) come back', async () => {
    const [a, b, c] = timed as [typeof timed[0], typeof timed[0], typeof timed[0]];
    const only = await api(`/audit?subjectId=${SUBJECT}&from=${b.at}&to=${b.at}`);
    expect(only.status).toBe(200);
    expect(only.body.items.map((e: { seq: number }) => e.seq)).toEqual([b.seq]);
    const ab = await api(`/audit?subjectId=${SUBJECT}&action=test.timed&from=${a.at}&to=${b.at}`);
    expect(ab.body.items.map((e: { seq: number }) => e.seq)).toEqual([a.seq, b.seq]);
    const fromC = await api(`/audit?action=test.timed&from=${c.at}`);
    expect(fromC.body.items.map((e: { seq: number }) => e.seq)).toEqual([c.seq]);
    const beforeA = await api(`/audit?action=test.timed&to=${new Date(Date.parse(a.at) - 1).toISOString()}`);
    expect(beforeA.body.items).toEqual([]);
  });

  it('when from and to are dates, then a date is the whole UTC day; an offset written with a raw + still reads as +', async () => {
    const day = await api(`/audit?action=test.timed&from=${today()}&to=${today()}`);
    expect(day.body.items.map((e: { seq: number }) => e.seq)).toEqual(timed.map((e) => e.seq));
    expect((await api(`/audit?action=test.timed&from=${dayOffset(1)}`)).body.items).toEqual([]);
    expect((await api(`/audit?action=test.timed&to=${dayOffset(-1)}`)).body.items).toEqual([]);
    // "+" unencoded in a query string arrives as a space: 2 h ahead of UTC, written as the local time.
    const b = new Date(timed[1]!.at);
    const local = new Date(b.getTime() + 2 * 3_600_000).toISOString().slice(0, 23);
    const plus = await api(`/audit?action=test.timed&from=${local}+02:00&to=${local}+02:00`);
    expect(plus.status).toBe(200);
    expect(plus.body.items.map((e: { seq: number }) => e.seq)).toEqual([timed[1]!.seq]);
  });

  it.each([
    ['from', 'yesterday'],
    ['from', '2026-02-30'],
    ['to', '2026-13-01'],
    ['to', '2026-12-01T10:00:00'],
    ['from', '2026-12-01T25:00:00Z'],
    ['to', '2026-12-01 10:00'],
  ])('when %s=%s is not an ISO 8601 date, then 400 invalid_parameter naming it', async (name, value) => {
    const res = await api(`/audit?${name}=${encodeURIComponent(value)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_parameter');
    expect(res.body.error.message).toContain(`"${name}" must be an ISO 8601 date`);
    expect(res.body.error.details).toEqual([{ field: name, problem: 'format' }]);
  });

  it('when from is after to, then 400 invalid_parameter saying which to swap', async () => {
    const res = await api('/audit?from=2026-12-02&to=2026-12-01');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_parameter', details: [{ field: 'from', problem: 'after_to' }] });
    expect(res.body.error.message).toMatch(/"from" \(2026-12-02\) is after "to" \(2026-12-01\)/);
  });

  it('when the actor filter is not a UUID or a parameter is unknown, then 400 naming it', async () => {
    expect((await api('/audit?actorId=someone')).body.error.code).toBe('invalid_parameter');
    expect((await api('/audit?since=2026-12-01')).body.error.code).toBe('unknown_parameter');
  });

  it('when paging a filtered list, then keyset pages follow on in seq order without repeats and keep the chain fields', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await api(`/audit?subjectId=${SUBJECT}&action=test.paged&from=${today()}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      for (const e of page.body.items) {
        expect(e).toEqual(expect.objectContaining({ subjectId: SUBJECT, action: 'test.paged', prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }));
        seen.push(e.seq);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    expect(new Set(seen).size).toBe(7);
  });

  it('when filtering by actor, then only that person\'s events come back', async () => {
    const res = await api(`/audit?actorId=${legal.id}&action=auth.token_issued`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const e of res.body.items) expect(e.actorId).toBe(legal.id);
  });
});

describe('who may read the trail', () => {
  it.each(['vendor', 'reviewer', 'supervisor', 'admin'] as const)('when a %s asks the API for the list, then 403 and the refusal is audited', async (role) => {
    const user = await buildUser(t.deps, { role });
    const res = await api('/audit', await tokenFor(t.app, user));
    expect(res.status).toBe(403);
    const [denial] = await eventsOf('access.denied', user.id);
    expect(denial?.data).toMatchObject({ method: 'GET', path: '/api/v1/audit' });
  });

  it.each(['vendor', 'reviewer'] as const)('when a %s opens the browser pages, then 403 pages and each refusal is audited', async (role) => {
    const user = await buildUser(t.deps, { role });
    const { agent } = await signInBrowser(t.app, user);
    for (const path of ['/record/audit', '/record/audit/events/1', '/record/audit/verify']) {
      const res = await agent.get(path);
      expect(res.status).toBe(403);
      expect(res.text).toContain('<h1');
    }
    const denials = await eventsOf('access.denied', user.id);
    expect(denials.map((d) => (d.data as { path: string }).path)).toEqual(['/record/audit', '/record/audit/events/1', '/record/audit/verify']);
  });

  it('when an administrator verifies through the API or the page, then it runs and each run is recorded; the list stays closed to them', async () => {
    const admin = await buildUser(t.deps, { role: 'admin' });
    // The browser first: its sign-in spends this step's authenticator code, the token takes the next one.
    const { agent } = await signInBrowser(t.app, admin);
    const res = await request(t.app).post('/api/v1/auth/tokens').send({ email: admin.email, password: admin.password, totp: totpFor(admin, 1) })
      .then((r) => api('/audit/verify', r.body.token as string));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true });
    const page = await agent.get('/record/audit/verify');
    expect(page.status).toBe(200);
    const run = await agent.post('/record/audit/verify').type('form').send({ _csrf: csrfFrom(page.text) });
    expect(run.status).toBe(200);
    expect(run.text).toContain('Intact');
    const runs = await eventsOf('audit.verified', admin.id);
    expect(runs.map((r) => (r.data as { via: string }).via)).toEqual(['api', 'page']);
    expect(runs[0]!.data).toMatchObject({ ok: true, count: res.body.count, headHash: res.body.headHash });
    expect((await agent.get('/record/audit')).status).toBe(403);
  });
});

describe('the /record/audit pages', () => {
  let agent: ReturnType<typeof request.agent>;
  let csrf: string;
  // A legal user of its own: an authenticator code works once, and `legal` spent this step's on its token.
  let reader: TestUser;
  beforeAll(async () => {
    reader = await buildUser(t.deps, { role: 'legal' });
    ({ agent, csrf } = await signInBrowser(t.app, reader));
  });

  it('when legal filters by subject and action, then the table shows each event with its chain fields, and the view is recorded', async () => {
    const res = await agent.get(`/record/audit?subject=${SUBJECT}&action=test.timed`);
    expect(res.status).toBe(200);
    for (const e of timed) expect(res.text).toContain(`href="/record/audit/events/${e.seq}"`);
    const row = await t.deps.db.selectFrom('audit_events').select(['hash', 'prev_hash']).where('seq', '=', String(timed[0]!.seq)).executeTakeFirstOrThrow();
    expect(res.text).toContain(`<span aria-hidden="true">${row.hash.slice(0, 12)}…</span><span class="usa-sr-only">${row.hash}</span>`);
    expect(res.text).toContain(`<span class="usa-sr-only">${row.prev_hash}</span>`);
    expect(res.text).toContain('<option value="test.timed" selected>');
    const [browsed] = (await eventsOf('audit.browsed', reader.id)).slice(-1);
    expect(browsed?.data).toEqual({ filters: { subjectId: SUBJECT, action: 'test.timed' }, after: 0, shown: 3 });
  });

  it('when an action is typed instead of chosen and the actor is given by e-mail, then both filter', async () => {
    const res = await agent.get(`/record/audit?actor=${encodeURIComponent(legal.email.toUpperCase())}&actionOther=auth.token_issued`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<code>auth.token_issued</code>');
    expect(res.text).not.toContain('<code>test.timed</code>');
    const [browsed] = (await eventsOf('audit.browsed', reader.id)).slice(-1);
    expect(browsed?.data).toMatchObject({ filters: { actorId: legal.id, action: 'auth.token_issued' } });
  });

  it('when a page is full, then "Next page" keeps every filter and the cursor, and "First page" goes back', async () => {
    const first = await agent.get(`/record/audit?subject=${SUBJECT}&from=${today()}&to=${today()}`);
    expect(first.status).toBe(200);
    expect(first.text).not.toContain('rel="next"');
    for (let i = 0; i < 45; i += 1) await recordAuditNow(t.deps.db, SYSTEM_CONTEXT, { action: 'test.many', subjectId: SUBJECT });
    const full = await agent.get(`/record/audit?subject=${SUBJECT}&from=${today()}&to=${today()}`);
    const next = /<a class="usa-button" href="([^"]+)" rel="next">Next page<\/a>/.exec(full.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const url = new URL(next!, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({ subject: SUBJECT, from: today(), to: today(), cursor: expect.any(String) });
    const second = await agent.get(next!);
    expect(second.status).toBe(200);
    expect(second.text).toContain('First page');
    const seqs = (html: string) => [...html.matchAll(/href="\/record\/audit\/events\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(seqs(full.text)).toHaveLength(50);
    expect(Math.min(...seqs(second.text))).toBeGreaterThan(Math.max(...seqs(full.text)));
  });

  it.each([
    ['from=2026-02-30', 'from', '"from" must be an ISO 8601 date'],
    ['from=2026-12-02&to=2026-12-01', 'from', 'is after "to"'],
    ['actor=nobody%40example.test', 'actor', 'No account has the e-mail address nobody@example.test'],
    ['actor=not-an-address', 'actor', 'Give the actor as an e-mail address'],
  ])('when the form holds %s, then 400 with the error summary and the field marked, and nothing is recorded as read', async (qs, field, message) => {
    const before = (await eventsOf('audit.browsed', reader.id)).length;
    const res = await agent.get(`/record/audit?${qs}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('There is a problem');
    expect(res.text).toContain(message.replace(/"/g, '&quot;'));
    expect(res.text).toContain(`id="f-${field}-error"`);
    expect(res.text).toMatch(new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`));
    expect(await eventsOf('audit.browsed', reader.id)).toHaveLength(before);
  });

  it('when legal opens one event, then its data is shown as indented JSON with both hashes in full, and the view is recorded', async () => {
    const target = timed[1]!;
    const res = await agent.get(`/record/audit/events/${target.seq}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('{\n  &quot;i&quot;: 2\n}');
    const row = await t.deps.db.selectFrom('audit_events').select(['hash', 'prev_hash']).where('seq', '=', String(target.seq)).executeTakeFirstOrThrow();
    expect(res.text).toContain(`<code class="vrp-hash--full">${row.hash}</code>`);
    expect(res.text).toContain(`<code class="vrp-hash--full">${row.prev_hash}</code>`);
    const [viewed] = (await eventsOf('audit.event_viewed', reader.id)).slice(-1);
    expect(viewed).toMatchObject({ subject_type: 'audit_event', subject_id: String(target.seq) });
    expect((await agent.get('/record/audit/events/99999999')).status).toBe(404);
    expect((await agent.get('/record/audit/events/0')).status).toBe(404);
    expect((await agent.get('/record/audit/events/abc')).status).toBe(404);
  });

  it('when legal runs the verification from the page, then it says intact with the count and head, and the next visit shows the last run', async () => {
    const form = await agent.get('/record/audit/verify');
    expect(form.status).toBe(200);
    const res = await agent.post('/record/audit/verify').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(200);
    const [run] = (await eventsOf('audit.verified', reader.id)).slice(-1);
    const data = run!.data as { ok: boolean; count: number; headHash: string; via: string };
    expect(data).toMatchObject({ ok: true, via: 'page' });
    expect(res.text).toContain(`<dd id="verify-count">${data.count}</dd>`);
    expect(res.text).toContain(data.headHash);
    const again = await agent.get('/record/audit/verify');
    expect(again.text).toContain(`(event ${run!.seq}): intact, ${data.count} events`);
  });

  it('when the verification is posted without the CSRF token, then it is refused and does not run', async () => {
    const before = (await eventsOf('audit.verified', reader.id)).length;
    const res = await agent.post('/record/audit/verify').type('form').send({});
    expect(res.status).toBe(403);
    expect(await eventsOf('audit.verified', reader.id)).toHaveLength(before);
  });
});

describe('parseBound', () => {
  it('when reading dates, then a date-only "to" ends after its whole day and a date-time includes its millisecond', () => {
    expect(parseBound('2026-12-01', 'from').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseBound('2026-12-01', 'to').toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(parseBound('2026-12-01T09:30:00-05:00', 'from').toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(parseBound('2026-12-01T14:30:00.250Z', 'to').toISOString()).toBe('2026-12-01T14:30:00.251Z');
    expect(() => parseBound('2024-02-29', 'from')).not.toThrow();
    expect(() => parseBound('2025-02-29', 'from')).toThrow(/ISO 8601/);
  });
});

/**
 * With the trail filled with synthetic rows (written as the owner, outside the chain, so this block
 * runs last), every filter's statement is the one the route runs (eventsQuery), EXPLAINed with
 * ANALYZE: no sequential scan of audit_events, and only a few pages read.
 */
describe('the filters walk indexes on a large trail', () => {
  const ROWS = 200_000;
  let owner: pg.Client;
  let start: Date;
  beforeAll(async () => {
    owner = new pg.Client({ connectionString: t.ownerUrl });
    await owner.connect();
    const { rows } = await owner.query<{ max: string; at: Date }>('SELECT max(seq) AS max, max(occurred_at) AS at FROM audit_events');
    start = new Date(rows[0]!.at.getTime() + 1000);
    // One event a second, 50 actions, 1,000 actors, 20,000 subjects, in seq order as the writer keeps them.
    await owner.query(`INSERT INTO audit_events (seq, occurred_at, actor_id, actor_role, action, subject_type, subject_id, data, prev_hash, hash)
      SELECT $1::bigint + i, $2::timestamptz + i * interval '1 second',
        ('00000000-0000-4000-8000-' || lpad(to_hex(i % 1000), 12, '0'))::uuid, 'reviewer',
        'bulk.action_' || (i % 50), 'submission', 'subject-' || (i % 20000), '{}'::jsonb,
        md5(i::text || 'p') || md5(i::text || 'q'), md5(i::text || 'h') || md5(i::text || 'k')
      FROM generate_series(1, $3::int) AS i`, [rows[0]!.max, start, ROWS]);
    await owner.query('ANALYZE audit_events');
  }, 120_000);
  afterAll(async () => { await owner.end(); });

  const at = (second: number) => new Date(start.getTime() + second * 1000);
  const actor = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  // Filters are built when each case runs: the rows' times are known only after beforeAll.
  const CASES: [string, () => EventFilter][] = [
    ['no filter', () => ({})],
    ['a recent hour', () => ({ from: at(ROWS - 3600), before: at(ROWS - 3000) })],
    ['an old hour', () => ({ from: at(1000), before: at(4600) })],
    ['from a recent time on', () => ({ from: at(ROWS - 500) })],
    ['up to an old time', () => ({ before: at(700) })],
    ['an action in a recent day', () => ({ action: 'bulk.action_7', from: at(ROWS - 86_400), before: at(ROWS - 1) })],
    ['an actor', () => ({ actorId: actor(42) })],
    ['an actor in an old week', () => ({ actorId: actor(42), from: at(100), before: at(100 + 7 * 86_400 / 4) })],
    ['a subject', () => ({ subjectId: 'subject-123' })],
    ['a subject and action within a range', () => ({ subjectId: 'subject-123', action: 'bulk.action_23', from: at(1), before: at(ROWS) })],
    ['a range with no event in it', () => ({ from: at(ROWS + 10_000), before: at(ROWS + 20_000) })],
  ];

  /** EXPLAIN (ANALYZE, BUFFERS) of one statement, as the owner: its plan tree. */
  const explain = async (compiled: { sql: string; parameters: readonly unknown[] }) => {
    const { rows } = await owner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${compiled.sql}`, compiled.parameters as unknown[]);
    return (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
  };
  const expectCheap = (plan: PlanNode) => {
    expect(flatten(plan).filter((n) => n['Node Type'] === 'Seq Scan').map((n) => n['Relation Name'])).toEqual([]);
    expect(plan['Shared Hit Blocks'] + plan['Shared Read Blocks']).toBeLessThan(1000);
  };

  it.each(CASES)('when filtering by %s, then neither statement scans the table and each reads under 1,000 buffers', async (_name, make) => {
    const filter = make();
    let range: SeqRange | null | undefined;
    if (filter.from || filter.before) {
      expectCheap(await explain(seqRangeQuery(filter.from, filter.before).compile(t.deps.db)));
      range = await seqRangeOf(t.deps.db, filter.from, filter.before);
      if (range === null) return; // no event in the range: listEvents answers [] without the walk
    }
    expectCheap(await explain(eventsQuery(t.deps.db, filter, 0, 50, range ?? undefined).compile()));
  });

  it('when the list is read through listEvents, then its rows are exactly those the filters name', async () => {
    const rows = await listEvents(t.deps.db, { action: 'bulk.action_7', from: at(ROWS - 86_400), before: at(ROWS - 1) }, 0, 200);
    expect(rows).toHaveLength(201);
    for (const r of rows) {
      expect(r.action).toBe('bulk.action_7');
      expect(r.occurred_at.getTime()).toBeGreaterThanOrEqual(at(ROWS - 86_400).getTime());
    }
    expect(await listEvents(t.deps.db, { from: at(ROWS + 10_000) }, 0, 10)).toEqual([]);
  });
});

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; 'Shared Hit Blocks': number; 'Shared Read Blocks': number; Plans?: PlanNode[] }
const flatten = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(flatten)];
