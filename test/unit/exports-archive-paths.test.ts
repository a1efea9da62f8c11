import { isSafeArchivePath, ordinal, safeName, withExtension } from '../../server/exports/archive-paths';
import { judge } from '../../server/access/decisions';
import type { Actor } from '../../server/access/actor';

/** Names inside a production come from vendors' file names but are always ASCII-safe paths. */
describe('archive paths', () => {
  it.each([
    ['Exhibit A.pdf', 'Exhibit_A.pdf'],
    ['../../etc/passwd', 'etc_passwd'],
    ['C:\\Users\\x\\évaluation finale.PDF', 'C_Users_x_evaluation_finale.pdf'],
    ['\u202Efdp.exe', 'fdp.exe'],
    ['...', 'document'],
    ['con.txt', '_con.txt'],
    ['価格表.xlsx', 'document.xlsx'],
    ['a'.repeat(300) + '.docx', 'a'.repeat(60) + '.docx'],
  ])('when the vendor named the file %j, then the archive uses %j', (raw, safe) => {
    expect(safeName(raw)).toBe(safe);
    expect(isSafeArchivePath(`submissions/T-1-000001/${ordinal(1)}-${safeName(raw)}`)).toBe(true);
  });

  it('when a path has a parent step, a leading slash, a backslash or a non-ASCII character, then it is refused', () => {
    for (const p of ['../x', '/x', 'a\\b', 'a/../b', 'a//b', 'é.pdf', 'a/./b', '']) expect(isSafeArchivePath(p)).toBe(false);
    expect(withExtension('scan.png', 'pdf')).toBe('scan.pdf');
    expect(withExtension('scan', 'pdf')).toBe('scan.pdf');
  });
});

describe('export decisions', () => {
  const actor = (role: Actor['role'], recusedFrom: string[] = []): Actor => ({ userId: 'u', role, organizationId: null, email: 'e', name: 'n', via: 'token', recusedFrom });
  const scope = { docket: 'DHS-2017-0037', filingOrganizations: ['org-a', 'org-b'] };

  it('when legal staff recused from none of the filers ask, then yes; recused from any one, then 403 recused naming the docket', () => {
    expect(judge(actor('legal', ['org-z']), 'exportProceeding', scope)).toBe(true);
    const refused = judge(actor('legal', ['org-b']), 'exportProceeding', scope);
    expect(refused).toMatchObject({ reason: 'recused: declared conflict', error: { status: 403, code: 'recused' } });
    expect((refused as { error: Error }).error.message).toContain('DHS-2017-0037');
  });

  it('when another role asks, then 403 forbidden; a recused legal user sees no export of the proceeding (404)', () => {
    for (const role of ['reviewer', 'supervisor', 'admin', 'vendor'] as const) {
      expect(judge(actor(role), 'exportProceeding', scope)).toMatchObject({ error: { status: 403, code: 'forbidden' } });
    }
    expect(judge(actor('legal'), 'exportDownload', scope)).toBe(true);
    const hidden = judge(actor('legal', ['org-a']), 'exportDownload', scope);
    expect(hidden).toEqual({ reason: 'recused: declared conflict' });
  });
});
