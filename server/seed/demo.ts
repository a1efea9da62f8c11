import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db, Role } from '../db/database';
import type { TotpVault } from '../accounts/totp-vault';
import { SYSTEM_CONTEXT, recordAudit } from '../audit/audit.service';
import { createUserDirect } from '../accounts/users.service';
import { DEFAULT_LIMITS } from '../proceedings/proceedings.schemas';

const DEMO_DOCKET = 'DHS-2017-0037';

export interface DemoAccount { role: Role; email: string; password: string }

const DAY = 24 * 60 * 60 * 1000;

const NOTICE = `On 13 September 2017 the Department of Homeland Security issued Binding Operational Directive 17-01,
directing federal agencies to identify Kaspersky-branded products on federal information systems and to remove them.
Kaspersky and any other entity that claims its commercial interests will be directly impacted by the directive may
submit a written response, along with any additional information or evidence, before the response window closes.
(Demonstration data modelled on 82 FR 43782; dates shifted so the window is open.)`;

/** Demo passwords: long random passphrases, kept in DATA_DIR so each start can print them again. */
const demoPassword = () => `demo ${randomBytes(9).toString('base64url')} response`;

/**
 * Seeds the demo proceeding and one account per role, once (a second run changes nothing).
 * Staff accounts have no authenticator yet: they enrol one at first sign-in in the browser.
 */
export async function seedDemo(db: Db, vault: TotpVault, dataDir: string): Promise<{ created: boolean; accounts: DemoAccount[] }> {
  const file = path.join(dataDir, 'demo-accounts.json');
  const existing = await db.selectFrom('proceedings').select('id').where('docket', '=', DEMO_DOCKET).executeTakeFirst();
  if (existing) return { created: false, accounts: existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoAccount[]) : [] };

  const org = await db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('organizations').values({ legal_name: 'Example Security Software GmbH', country: 'DE', uei: null })
      .returning('id').executeTakeFirstOrThrow();
    const now = Date.now();
    const proceeding = await trx.insertInto('proceedings').values({
      docket: DEMO_DOCKET,
      title: 'BOD 17-01: Kaspersky-branded products',
      summary: 'Written responses to Binding Operational Directive 17-01 (demonstration proceeding).',
      notice_text: NOTICE,
      opens_at: new Date(now - DAY),
      closes_at: new Date(now + 30 * DAY),
      time_zone: 'America/New_York',
      late_policy: 'reject',
      response_schema: null,
      limits: JSON.stringify(DEFAULT_LIMITS),
    }).returning('id').executeTakeFirstOrThrow();
    await recordAudit(trx, SYSTEM_CONTEXT, { action: 'proceeding.created', subjectType: 'proceeding', subjectId: proceeding.id, data: { docket: DEMO_DOCKET, seed: 'demo' } });
    return row.id;
  });

  const accounts: DemoAccount[] = [];
  for (const role of ['vendor', 'reviewer', 'supervisor', 'legal', 'admin'] as const) {
    const account = { role, email: `${role}@demo.example`, password: demoPassword() };
    const { id } = await createUserDirect(db, vault, SYSTEM_CONTEXT, {
      ...account, name: `Demo ${role}`, organizationId: role === 'vendor' ? org : null,
    });
    // Staff enrol their own authenticator at first sign-in: the demo prints no TOTP secrets.
    if (role !== 'vendor') await db.updateTable('users').set({ totp_secret: null, totp_enrolled_at: null }).where('id', '=', id).execute();
    accounts.push(account);
  }
  // DATA_DIR may not exist yet when every secret comes from the environment: create what we write.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(accounts, null, 2), { mode: 0o600 });
  return { created: true, accounts };
}

/** The lines main.ts prints after start. */
export function describeDemoAccounts(accounts: DemoAccount[]): string {
  if (!accounts.length) return '';
  const width = Math.max(...accounts.map((a) => a.email.length));
  return ['Demo sign-ins (staff set up an authenticator app at first sign-in):',
    ...accounts.map((a) => `  ${a.role.padEnd(10)} ${a.email.padEnd(width)}  ${a.password}`)].join('\n');
}
