import type { FindingArgument, Ruling } from '../db/review-tables';
import { badRequest } from '../http/errors';
import { formString } from '../http/pages';
import type { FindingsInput } from './findings.schemas';

/**
 * The most argument rows one page form carries: the input screen takes at most 100 form fields
 * (server/http/input-screen.ts), four per row plus the CSRF token and the row count. Findings
 * with more arguments are saved through the API.
 */
export const PAGE_ROWS = 24;

/** One row of the findings form, as typed (strings) or pre-filled. */
export interface FormRow { number: string; summary: string; ruling: Ruling | ''; reasoning: string }

/** Rows to show: the latest findings or the suggestion, then one blank row to add an argument. */
export function rowsFor(args: ReadonlyArray<Partial<FindingArgument> & { number: number; summary: string }>): FormRow[] {
  const rows: FormRow[] = args.map((a) => ({ number: String(a.number), summary: a.summary, ruling: a.ruling ?? '', reasoning: a.reasoning ?? '' }));
  return rows.length < PAGE_ROWS ? [...rows, { number: '', summary: '', ruling: '', reasoning: '' }] : rows;
}

/** The rows a posted form carries (`number-0`, `summary-0`, ...), as typed, for showing again. */
export function rowsFromForm(body: unknown): FormRow[] {
  const count = Math.min(PAGE_ROWS, Number.parseInt(formString(body, 'rows'), 10) || 0);
  return Array.from({ length: count }, (_, i) => ({
    number: formString(body, `number-${i}`).trim(), summary: formString(body, `summary-${i}`),
    ruling: formString(body, `ruling-${i}`) as Ruling | '', reasoning: formString(body, `reasoning-${i}`),
  }));
}

/**
 * The API's body from the posted rows: rows left entirely empty are skipped (so clearing a row
 * removes that argument), everything else goes to the same schema and checks as the API.
 */
export function inputFromRows(rows: FormRow[]): FindingsInput {
  const args = rows.filter((r) => r.number || r.summary.trim() || r.ruling || r.reasoning.trim()).map((r, i) => {
    if (!/^\d{1,3}$/.test(r.number)) {
      throw badRequest('invalid_request', `Argument row ${i + 1}: the number must be a whole number from 1 to 200.`, [{ field: `arguments.${i}.number`, problem: 'type' }]);
    }
    return { number: Number(r.number), summary: r.summary, ruling: r.ruling as Ruling, reasoning: r.reasoning };
  });
  return { arguments: args };
}
