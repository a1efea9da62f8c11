import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startTestApp, type TestApp } from '../helpers/app';
import { buildProceeding, buildUser } from '../helpers/factories';
import { signInBrowser } from '../helpers/session';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

const DAY = 86_400_000;
const docket = () => `DHS-${randomBytes(3).toString('hex').toUpperCase()}`;

/** The BOD 17-01 notice, moved into the future (closes 11:59 PM New York time, in winter: EST). */
async function kasperskyNotice(over: { opensAt?: Date; closesAt?: Date; latePolicy?: 'reject' | 'accept_flagged' } = {}) {
  const row = await t.deps.db.insertInto('proceedings').values({
    docket: docket(), title: 'BOD 17-01: Kaspersky-branded products <script>alert(1)</script>',
    summary: 'Entities whose commercial interests are directly impacted may respond.',
    notice_text: 'First paragraph, line one.\nLine two of the first paragraph.\n\n\nSecond <b>paragraph</b> & more.\r\n\r\nThird.',
    opens_at: over.opensAt ?? new Date('2017-09-19T04:00:00Z'), closes_at: over.closesAt ?? new Date('2099-01-15T04:59:00Z'),
    time_zone: 'America/New_York', late_policy: over.latePolicy ?? 'reject', response_schema: null,
    limits: JSON.stringify({ maxFileBytes: 10 * 1024 * 1024, maxFiles: 20, maxTotalBytes: 1024 * 1024 * 1024 }),
  }).returning(['id', 'docket']).executeTakeFirstOrThrow();
  return row;
}

describe('GET /proceedings/:docket', () => {
  it('when the notice is opened, then the window shows in the proceeding\'s zone and in UTC, with time left and rules in words', async () => {
    const p = await kasperskyNotice();
    const res = await request(t.app).get(`/proceedings/${p.docket}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('January 14, 2099 at 11:59 PM EST</time> (<time datetime="2099-01-15T04:59:00Z">2099-01-15T04:59:00Z</time>)');
    expect(res.text).toContain('September 19, 2017 at 12:00 AM EDT');
    expect(res.text).toMatch(/Time left: <strong>\d+ days, \d+ hours?<\/strong>/);
    expect(res.text).toContain('A response received after it is refused.');
    expect(res.text).toContain('Each file: up to 10 MiB (10,485,760 bytes).');
    expect(res.text).toContain('up to 1 GiB (1,073,741,824 bytes)');
    expect(res.text).toContain('Files per submission: up to 20.');
  });

  it('when the notice text has paragraphs, markup and line breaks, then it is escaped and keeps them', async () => {
    const p = await kasperskyNotice();
    const res = await request(t.app).get(`/proceedings/${p.docket}`);
    expect(res.text).toContain('<p>First paragraph, line one.<br>Line two of the first paragraph.</p>');
    expect(res.text).toContain('<p>Second &lt;b&gt;paragraph&lt;/b&gt; &amp; more.</p>');
    expect(res.text).toContain('<p>Third.</p>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
  });

  it('when the agency relied on documents, then each is listed with name, type, size, SHA-256 and its download link', async () => {
    const p = await kasperskyNotice();
    const admin = await buildUser(t.deps, { role: 'admin' });
    const sha256 = randomBytes(32).toString('hex');
    const doc = await t.deps.db.insertInto('notice_documents').values({
      proceeding_id: p.id, title: 'Information Memorandum "for" the Acting Secretary', original_name: '"memo"<x>.pdf',
      media_type: 'application/pdf', size: 2_500_000, sha256, storage_key: `sha256/${sha256}`, created_by: admin.id,
    }).returning('id').executeTakeFirstOrThrow();
    const res = await request(t.app).get(`/proceedings/${p.docket}`);
    expect(res.text).toContain('Information Memorandum &quot;for&quot; the Acting Secretary');
    expect(res.text).toContain('&quot;memo&quot;&lt;x&gt;.pdf');
    expect(res.text).toContain('application/pdf');
    expect(res.text).toContain('2.4 MiB (2,500,000 bytes)');
    expect(res.text).toContain(`<code class="vrp-hash">${sha256}</code>`);
    expect(res.text).toContain(`href="/api/v1/proceedings/${p.docket}/notice-documents/${doc.id}/content"`);
  });

  it('when nobody is signed in, then it offers to register or sign in; a vendor gets "Start a response"', async () => {
    const p = await kasperskyNotice();
    const anonymous = await request(t.app).get(`/proceedings/${p.docket}`);
    expect(anonymous.text).toContain('href="/register"');
    expect(anonymous.text).toContain(`href="/sign-in?next=%2Fproceedings%2F${p.docket}"`);
    expect(anonymous.text).not.toContain('Start a response');
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps));
    const vendor = await agent.get(`/proceedings/${p.docket}`);
    expect(vendor.text).toContain(`href="/proceedings/${p.docket}/submissions/new">Start a response</a>`);
  });

  it('when the window has closed and late responses are refused, then it says "Closed" and offers no response', async () => {
    const p = await kasperskyNotice({ opensAt: new Date(Date.now() - 10 * DAY), closesAt: new Date(Date.now() - DAY) });
    const { agent } = await signInBrowser(t.app, await buildUser(t.deps));
    const res = await agent.get(`/proceedings/${p.docket}`);
    expect(res.text).toContain('<strong>Closed</strong>');
    expect(res.text).toContain('does not accept late responses');
    expect(res.text).not.toContain('Start a response');
  });

  it.each(['DHS-NOPE-0000', 'not a docket', '..%2F..%2Fetc'])('when the docket is unknown (%s), then the 404 page', async (d) => {
    const res = await request(t.app).get(`/proceedings/${d}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('<code>not_found</code>');
  });
});

describe('GET /proceedings and GET /', () => {
  it('when proceedings are open, upcoming and closed, then each shows in its own section', async () => {
    const open = await buildProceeding(t.deps);
    const upcoming = await buildProceeding(t.deps, { opensAt: new Date(Date.now() + DAY), closesAt: new Date(Date.now() + 30 * DAY) });
    const closed = await buildProceeding(t.deps, { opensAt: new Date(Date.now() - 30 * DAY), closesAt: new Date(Date.now() - DAY) });
    const res = await request(t.app).get('/proceedings');
    expect(res.status).toBe(200);
    const section = (id: string) => res.text.slice(res.text.indexOf(`id="section-${id}"`)).split('</section>')[0]!;
    expect(section('open')).toContain(`href="/proceedings/${open.docket}"`);
    expect(section('upcoming')).toContain(`href="/proceedings/${upcoming.docket}"`);
    expect(section('upcoming')).toMatch(/Opens in <strong>\d+ (hours?|minutes?)/);
    expect(section('closed')).toContain(`href="/proceedings/${closed.docket}"`);
    expect(section('open')).not.toContain(closed.docket);

    const only = await request(t.app).get('/proceedings?status=closed');
    expect(only.text).toContain(closed.docket);
    expect(only.text).not.toContain(open.docket);
    expect((await request(t.app).get('/proceedings?status=bogus')).status).toBe(400);
  });

  it('when the home page is opened signed out, then it lists open proceedings with both clocks and the way in', async () => {
    const p = await kasperskyNotice();
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('When an agency proposes an adverse action');
    expect(res.text).toContain(`href="/proceedings/${p.docket}"`);
    expect(res.text).toContain('January 14, 2099 at 11:59 PM EST</time> (<time datetime="2099-01-15T04:59:00Z">2099-01-15T04:59:00Z</time>)');
    expect(res.text).toContain('href="/register">Register your organization</a>');
    expect(res.text).toContain('href="/sign-in">Sign in</a>');
  });
});
