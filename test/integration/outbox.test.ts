import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { REMIND_ASSIGNMENTS_TASK, SWEEP_TASK, startJobRunner, type JobRunner } from '../../server/jobs/runner';
import { createLogger } from '../../server/logger';
import { createMailer, type Mailer } from '../../server/notifications/mailer';
import { enqueueMail, SEND_MAIL_TASK, type OutgoingMail } from '../../server/notifications/outbox';
import { deliverOutboxMail } from '../../server/notifications/outbox.worker';
import { REMOVED_BODY } from '../../server/notifications/outbox.repository';
import { startTestApp, type TestApp } from '../helpers/app';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp';

let t: TestApp;
let smtp: TestSmtp;
const running: Array<{ runner: JobRunner; mailer: Mailer }> = [];

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await startTestApp({ env: { SMTP_URL: smtp.url } });
});
// Each test starts its own runner (so it can pick the mailer); one runner at a time owns the queue.
afterEach(async () => {
  for (const { runner, mailer } of running.splice(0)) {
    await runner.stop();
    await mailer.close();
  }
  await smtp.comeBack();
});
afterAll(async () => {
  await t?.close();
  await smtp?.stop();
});

async function startRunner(mailer: Mailer = createMailer(t.deps.config, t.deps.logger)): Promise<void> {
  const runner = await startJobRunner({ pool: t.deps.pool, db: t.deps.db, mailer, logger: t.deps.logger, uploadsDir: t.deps.config.uploadsDir, publicUrl: t.deps.config.publicUrl, dataDir: t.deps.config.dataDir });
  running.push({ runner, mailer });
}

const newMail = (over: Partial<OutgoingMail> = {}): OutgoingMail => ({
  to: `vendor-${randomUUID()}@example.test`, subject: 'Your response was received', text: 'Tracking number VRP-0001.', ...over,
});

const enqueue = (mail: OutgoingMail): Promise<string> =>
  t.deps.db.transaction().execute((trx) => enqueueMail(trx, mail, 'portal.test'));

const outboxRow = (id: string) => t.deps.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const delivered = (messageId: string) => smtp.messages.filter((m) => m.messageId === messageId);

async function jobCount(key?: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM graphile_worker.jobs
    WHERE ${key ?? null}::text IS NULL OR key = ${key ?? null}`.execute(t.deps.db);
  return rows[0]?.n ?? 0;
}

/** Polls `probe` every 50 ms until it returns something truthy; fails after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | false | undefined | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const waitUntilSent = (id: string) => waitFor(`outbox row ${id} sent`, async () => {
  const row = await outboxRow(id);
  return row.status === 'sent' && row;
});

describe('mail outbox', () => {
  it('when a mail is enqueued in a committed transaction, then the runner sends it once with the stored Message-ID', async () => {
    const mail = newMail();
    const id = await enqueue(mail);
    await startRunner();
    const row = await waitUntilSent(id);
    expect(row.message_id).toBe(`<${id}@portal.test>`);
    const [message, ...extra] = delivered(row.message_id);
    expect(extra).toHaveLength(0);
    expect(message?.subject).toBe(mail.subject);
    expect(message?.text?.trim()).toBe(mail.text);
    expect(message?.to).toMatchObject({ text: mail.to });
    expect(row).toMatchObject({ attempts: 1, last_error: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    await waitFor('the job to complete', async () => (await jobCount(`mail:${id}`)) === 0);
  });

  it('when the transaction rolls back, then there is no outbox row, no job and no mail', async () => {
    const jobsBefore = await jobCount();
    const lost = newMail();
    await expect(t.deps.db.transaction().execute(async (trx) => {
      await enqueueMail(trx, lost, 'portal.test');
      throw new Error('the use case failed after queueing');
    })).rejects.toThrow('the use case failed after queueing');
    expect(await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', lost.to).execute()).toHaveLength(0);
    expect(await jobCount()).toBe(jobsBefore);
    // A mail committed afterwards goes out; had the lost one been queued, it would be out by then.
    await startRunner();
    await waitUntilSent(await enqueue(newMail()));
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(lost.to))).toHaveLength(0);
  });

  it('when SMTP is down at first, then the row waits with last_error and is delivered once after recovery', async () => {
    await smtp.goDown();
    const id = await enqueue(newMail());
    await startRunner();
    const waiting = await waitFor('a failed attempt', async () => {
      const row = await outboxRow(id);
      return row.last_error !== null && row;
    });
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
    expect(waiting.last_error).toMatch(/ECONNREFUSED/);
    expect(waiting.last_error).not.toMatch(/[\r\n]/);
    expect(delivered(waiting.message_id)).toHaveLength(0);

    await smtp.comeBack();
    // Skip graphile-worker's backoff (e^attempts seconds) rather than sleep through it.
    const row = await waitFor('delivery after recovery', async () => {
      await sql`SELECT graphile_worker.reschedule_jobs(ARRAY(SELECT id FROM graphile_worker.jobs WHERE key = ${`mail:${id}`}),
        run_at => now())`.execute(t.deps.db);
      const current = await outboxRow(id);
      return current.status === 'sent' && current;
    });
    await waitFor('the job to complete', async () => (await jobCount(`mail:${id}`)) === 0);
    expect(row.message_id).toBe(waiting.message_id);
    expect(row.attempts).toBe(2);
    expect(delivered(row.message_id)).toHaveLength(1);
  });

  it('when the task runs again for a row already sent, then the mail is not sent again', async () => {
    const id = await enqueue(newMail());
    await startRunner();
    const sent = await waitUntilSent(id);
    await sql`SELECT graphile_worker.add_job(${SEND_MAIL_TASK}, json_build_object('outboxId', ${id}::text),
      job_key => ${`again:${id}`})`.execute(t.deps.db);
    await waitFor('the repeated job to complete', async () => (await jobCount(`again:${id}`)) === 0);
    expect(delivered(sent.message_id)).toHaveLength(1);
    expect(await outboxRow(id)).toMatchObject({ status: 'sent', attempts: 1, sent_at: sent.sent_at });
  });

  it('when SMTP_URL is unset, then the mail is written to the log at info and the row is marked sent', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => { lines.push(line); } });
    await startRunner(createMailer({ ...t.deps.config, smtpUrl: undefined }, logger));
    const mail = newMail({ text: 'Activate your account:\nhttps://portal.test/account/activate?token=abc' });
    const id = await enqueue(mail);
    const row = await waitUntilSent(id);
    const logged = lines.map((line) => JSON.parse(line) as { level: number; mail?: { messageId?: string } })
      .filter((entry) => entry.mail?.messageId === row.message_id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 30, mail: { to: mail.to, subject: mail.subject, messageId: row.message_id, text: mail.text } });
    expect(lines.every((line) => line.indexOf('\n') === line.length - 1)).toBe(true);
    expect(delivered(row.message_id)).toHaveLength(0);
  });

  it('when the last allowed attempt fails, then the row is marked failed with a one-line reason and the job queue stops', async () => {
    await smtp.goDown();
    const id = await enqueue(newMail());
    const mailer = createMailer(t.deps.config, t.deps.logger);
    await expect(deliverOutboxMail({ db: t.deps.db, mailer, logger: t.deps.logger }, id, true)).rejects.toThrow(/ECONNREFUSED/);
    await mailer.close();
    const row = await outboxRow(id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sent_at: null });
    expect(row.last_error).toMatch(/^ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(row.last_error).not.toMatch(/[\r\n]/);
    await t.deps.db.deleteFrom('outbox').where('id', '=', id).execute();
  });

  it('when a mail carries a one-time link, then it arrives whole, and once sent the outbox keeps no link (other mail keeps its body)', async () => {
    const link = `http://portal.test/verify-email?token=${randomUUID()}`;
    const secret = await enqueue(newMail({ text: `Confirm your address:\n${link}\n`, carriesSecret: true }));
    const plain = await enqueue(newMail());
    await startRunner();
    const [sentSecret, sentPlain] = await Promise.all([waitUntilSent(secret), waitUntilSent(plain)]);

    expect(delivered(sentSecret.message_id)[0]?.text).toContain(link);
    expect(sentSecret.text_body).toBe(REMOVED_BODY);
    expect(sentSecret.html_body).toBeNull();
    expect(sentPlain.text_body).toBe('Tracking number VRP-0001.');
  });

  it('when a mail with a one-time link is given up on, then its body is removed too', async () => {
    await smtp.goDown();
    const id = await enqueue(newMail({ text: 'http://portal.test/account/activate?token=abc', carriesSecret: true }));
    const mailer = createMailer(t.deps.config, t.deps.logger);
    await expect(deliverOutboxMail({ db: t.deps.db, mailer, logger: t.deps.logger }, id, true)).rejects.toThrow(/ECONNREFUSED/);
    await mailer.close();
    expect(await outboxRow(id)).toMatchObject({ status: 'failed', text_body: REMOVED_BODY });
    await t.deps.db.deleteFrom('outbox').where('id', '=', id).execute();
  });

  it('when a subject contains CR/LF, then it arrives as one line and injects no header', async () => {
    const injected = 'Receipt\r\nBcc: attacker@example.test\r\n\r\nInjected body';
    const id = await enqueue(newMail({ subject: injected }));
    await startRunner();
    const row = await waitUntilSent(id);
    // The mailer strips CR/LF itself too, for rows written by any other path.
    const direct = { messageId: `<direct-${randomUUID()}@portal.test>`, to: 'x@example.test', subject: injected, text: 'x' };
    await running[0]?.mailer.send(direct);
    for (const messageId of [row.message_id, direct.messageId]) {
      const [message] = delivered(messageId);
      expect(message?.subject).toBe('Receipt Bcc: attacker@example.test Injected body');
      expect(message?.bcc).toBeUndefined();
      expect(message?.headerLines.filter((h) => h.key === 'bcc')).toHaveLength(0);
    }
  });
});

describe('scheduled jobs', () => {
  it('when the runner starts, then the hourly upload sweep and assignment reminders are registered with the queue', async () => {
    await startRunner();
    const deadline = Date.now() + 5000;
    let known: string[] = [];
    while (Date.now() < deadline) {
      const { rows } = await sql<{ identifier: string }>`SELECT identifier FROM graphile_worker._private_known_crontabs`.execute(t.deps.db);
      known = rows.map((r) => r.identifier);
      if (known.includes(SWEEP_TASK) && known.includes(REMIND_ASSIGNMENTS_TASK)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(known).toContain(SWEEP_TASK);
    expect(known).toContain(REMIND_ASSIGNMENTS_TASK);
  });
});
