import { parseArgs } from 'node:util';
import { configOrExit, openRuntime } from '../bootstrap';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres } from '../db/embedded';
import { userCreate } from './user-create';
import { auditVerify } from './audit-verify';
import { exportCommand } from './export';
import { exportVerify } from './export-verify';
import { seedDemo, describeDemoAccounts } from '../seed/demo';

const USAGE = `Usage: portal <command>

  migrate                                   bring the database schema to the latest version
  user create --email E --name N --role R   create an account (roles: vendor, reviewer, supervisor, legal, admin)
      [--organization-id ID]                required for vendors
      [--password-stdin]                    read the password from standard input instead of generating one
  seed demo                                 add the demo proceeding and demo accounts (once)
  audit verify                              recompute the audit hash chain (exit 0 intact, 1 broken)
  export --docket D --out FILE              write a proceeding's record as a production ZIP (public scope)
      [--include-confidential]              the confidential production instead
      [--certifier NAME]                    the certifying official named in certified-index.pdf
  export verify FILE                        re-check a production ZIP: manifest, Bates continuity, audit chain
                                            (exit 0 verified, 1 problems one per line, 2 unreadable); no database
`;

/** Dispatches `portal <command>`; exits 0 on success, 1 on a failed check, 2 on usage errors. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' },
      'organization-id': { type: 'string' }, 'password-stdin': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      docket: { type: 'string' }, out: { type: 'string' }, 'include-confidential': { type: 'boolean' }, certifier: { type: 'string' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  if (positionals[0] === 'export' && positionals[1] === 'verify') return exportVerify(positionals.slice(2));
  const config = configOrExit();
  if (command === 'migrate') {
    const db = config.databaseUrl ? { url: config.databaseUrl, stop: async () => {} } : await startEmbeddedPostgres(config.dataDir);
    try {
      const result = await migrateToLatest(db.url, config.databaseAppRole);
      const applied = result.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Schema is up to date.\n');
      return 0;
    } finally {
      await db.stop();
    }
  }
  const known = ['user create', 'seed demo', 'audit verify', 'export'];
  if (!known.includes(command)) {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const runtime = await openRuntime(config, { migrate: true });
  try {
    if (command === 'user create') return await userCreate(runtime.deps, values);
    if (command === 'seed demo') {
      const { created, accounts } = await seedDemo(runtime.deps.db, runtime.deps.totpVault, config.dataDir);
      process.stdout.write(created ? `Demo data created.\n${describeDemoAccounts(accounts)}\n` : 'Demo data already present.\n');
      return 0;
    }
    if (command === 'export') return await exportCommand(runtime.deps, values);
    return await auditVerify(runtime.deps);
  } finally {
    await runtime.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (err: unknown) => {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`${e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? '' : 'Error: '}${e.message ?? String(err)}\n`);
  process.exit(e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1);
});
