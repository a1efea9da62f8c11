import type { Db } from '../db/database';
import type { Actor } from '../access/actor';
import { can } from '../access/policies';
import { hiddenOrganizations } from '../access/submission.policy';
import type { Ruling } from '../db/review-tables';
import { forbidden, notFound } from '../http/errors';
import { findProceedingByDocket } from '../proceedings/proceedings.repository';
import { countFiledResponsesOf, listFiledResponses, type FiledResponseRow } from './response-to-arguments.repository';
import { suggestArguments } from './findings.suggest';

/** One numbered argument in the document: its latest finding, or only the vendor's text when none yet. */
export interface DocumentArgument { number: number; summary: string; ruling: Ruling | null; reasoning: string | null }
export interface DocumentResponse {
  id: string; trackingNumber: string | null; title: string; status: string;
  findingsVersion: number | null; arguments: DocumentArgument[];
}
export interface ResponseToArguments {
  docket: string; title: string; generatedAt: string;
  organizations: { id: string; legalName: string; responses: DocumentResponse[] }[];
  /** Filed responses left out because the asker is recused from their organizations (a count only). */
  omittedRecused: number;
}

/**
 * The "response to arguments" document of a proceeding, for the decision memo: every filed (not
 * withdrawn) response with its numbered arguments and their latest findings, grouped by
 * organization in legal-name order. Organizations the asker is recused from are left out and
 * only counted. Staff with findings.read only (the role check is the route's, repeated here so
 * the use case cannot be called without it).
 */
export async function responseToArguments(db: Db, actor: Actor, docket: string, now = new Date()): Promise<ResponseToArguments> {
  if (!can(actor, 'findings.read')) throw forbidden();
  const proceeding = await findProceedingByDocket(db, docket.slice(0, 60));
  if (!proceeding) throw notFound('proceeding');
  const hidden = hiddenOrganizations(actor);
  const [rows, omittedRecused] = await Promise.all([
    listFiledResponses(db, proceeding.id, hidden), countFiledResponsesOf(db, proceeding.id, hidden),
  ]);
  const organizations: ResponseToArguments['organizations'] = [];
  for (const row of rows) {
    let org = organizations[organizations.length - 1];
    if (!org || org.id !== row.organization_id) {
      org = { id: row.organization_id, legalName: row.legal_name, responses: [] };
      organizations.push(org);
    }
    org.responses.push(responseOf(row));
  }
  return { docket: proceeding.docket, title: proceeding.title, generatedAt: now.toISOString(), organizations, omittedRecused };
}

function responseOf(row: FiledResponseRow): DocumentResponse {
  const args: DocumentArgument[] = row.findings
    ? row.findings.map((a) => ({ number: a.number, summary: a.summary, ruling: a.ruling, reasoning: a.reasoning }))
    : suggestArguments(row.argument).map((a) => ({ ...a, ruling: null, reasoning: null }));
  return {
    id: row.id, trackingNumber: row.tracking_number, title: row.title, status: row.status,
    findingsVersion: row.findings_version ?? null, arguments: args,
  };
}

/** "N responses omitted: you are recused", or null when nothing was left out. */
export function omittedNotice(n: number): string | null {
  if (n === 0) return null;
  return `${n} ${n === 1 ? 'response' : 'responses'} omitted: you are recused.`;
}
