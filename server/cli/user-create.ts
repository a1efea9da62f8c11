import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps';
import type { Role } from '../db/database';
import { SYSTEM_CONTEXT } from '../audit/audit.service';
import { createUserDirect } from '../accounts/users.service';
import { totpUri } from '../accounts/totp';

const ROLES: readonly Role[] = ['vendor', 'reviewer', 'supervisor', 'legal', 'admin'];

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * `portal user create`: prints the generated password once (or reads one from stdin) and, for
 * staff, the TOTP secret to load into an authenticator app. Nothing secret is logged or audited.
 */
export async function userCreate(deps: Deps, opts: { email?: string; name?: string; role?: string; 'organization-id'?: string; 'password-stdin'?: boolean }): Promise<number> {
  const { email, name, role } = opts;
  if (!email || !name || !role) {
    process.stderr.write('user create needs --email, --name and --role.\n');
    return 2;
  }
  if (!ROLES.includes(role as Role)) {
    process.stderr.write(`--role must be one of: ${ROLES.join(', ')}.\n`);
    return 2;
  }
  if ((role === 'vendor') !== Boolean(opts['organization-id'])) {
    process.stderr.write('--organization-id is required for vendors and not allowed for staff.\n');
    return 2;
  }
  const generated = !opts['password-stdin'];
  const password = generated ? `${randomBytes(18).toString('base64url')}` : await readStdin();
  const { id, totpSecret } = await createUserDirect(deps.db, deps.totpVault, { ...SYSTEM_CONTEXT, actorRole: 'cli' }, {
    email, name, role: role as Role, organizationId: opts['organization-id'] ?? null, password,
  });
  const lines = [`Created ${role} ${email} (id ${id}).`];
  if (generated) lines.push(`Password (shown once): ${password}`);
  if (totpSecret) lines.push(`TOTP secret (add to an authenticator app): ${totpSecret}`, `otpauth URI: ${totpUri(totpSecret, email)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
