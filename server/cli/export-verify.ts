import { UnreadableArchiveError, verifyProduction, type Problem } from '../exports/verify';

/** One problem as one line: `<file> [<bates>]: <message>`. */
export const problemLine = (p: Problem) => `${p.file ?? '(archive)'}${p.bates ? ` [${p.bates}]` : ''}: ${p.message}`;

/**
 * `portal export verify FILE`: exit 0 when the production verifies, 1 with the problems one per
 * line, 2 when FILE is missing or is not a ZIP that can be read at all. Needs no database.
 */
export async function exportVerify(files: string[]): Promise<number> {
  if (files.length !== 1) {
    process.stderr.write('Usage: portal export verify FILE\n');
    return 2;
  }
  const file = files[0]!;
  let report;
  try {
    report = await verifyProduction(file);
  } catch (err) {
    if (!(err instanceof UnreadableArchiveError)) throw err;
    process.stderr.write(`Cannot verify ${file}: ${err.message}\n`);
    return 2;
  }
  const { files: n, items, auditEvents } = report.checked;
  if (report.ok) {
    process.stdout.write(`Production verified: ${n} files match MANIFEST.sha256, ${items} index items with continuous Bates numbers, ${auditEvents} audit events linked to the chain head.\n`);
    return 0;
  }
  process.stdout.write(`${report.problems.map(problemLine).join('\n')}\n`);
  process.stderr.write(`Production NOT verified: ${report.problems.length} problem(s) (${n} files, ${items} items, ${auditEvents} audit events checked).\n`);
  return 1;
}
