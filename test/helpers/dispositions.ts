import request from 'supertest';
import type { TestApp } from './app';
import { assertMove } from '../../server/submissions/submission.transitions';

/**
 * Disposition test steps over the real API. `startReview` moves a filed response into review
 * through the submission transition table but without the triage use case (another area's code,
 * built in parallel): an UPDATE of the status only, which the filed-submission trigger allows.
 */
export async function startReview(t: TestApp, submissionId: string): Promise<void> {
  const to = assertMove('submitted', 'startReview');
  await t.deps.db.updateTable('submissions').set({ status: to }).where('id', '=', submissionId).where('status', '=', 'submitted').execute();
}

export const bearer = (r: request.Test, token: string) => r.set('Authorization', `Bearer ${token}`);
const url = (id: string, step = '') => `/api/v1/submissions/${id}/disposition${step}`;

export const WORDS = { outcome: 'not_sustained', rationale: 'The directive rests on the agency\'s own testing.\nThe vendor was heard before it issued.' } as const;

/** PUT the disposition's words; `version` goes in If-Match. */
export function putDisposition(t: TestApp, token: string, id: string, body: object = WORDS, version?: number) {
  const r = bearer(request(t.app).put(url(id)), token);
  return (version === undefined ? r : r.set('If-Match', `"${version}"`)).send(body);
}

/** POST one of approve, issue, supersede. */
export const step = (t: TestApp, token: string, id: string, name: 'approve' | 'issue' | 'supersede', body: object = {}) =>
  bearer(request(t.app).post(url(id, `/${name}`)), token).send(body);

export const getDisposition = (t: TestApp, token: string, id: string, sub = '') => bearer(request(t.app).get(url(id, sub)), token);

/** Drafted by `drafter`, approved by `approver`, issued by `approver`: a decided submission. */
export async function issueThrough(t: TestApp, id: string, drafter: string, approver: string): Promise<void> {
  for (const [res, want] of [[await putDisposition(t, drafter, id), 201], [await step(t, approver, id, 'approve'), 200], [await step(t, approver, id, 'issue'), 200]] as const) {
    if (res.status !== want) throw new Error(`disposition step refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
}
