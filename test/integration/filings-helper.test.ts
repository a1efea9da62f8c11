import { startTestApp, type TestApp } from '../helpers/app';
import { fileResponse } from '../helpers/filings';

let t: TestApp;
beforeAll(async () => { t = await startTestApp(); });
afterAll(async () => { await t.close(); });

describe('the filing factory review tests build on', () => {
  it('when two responses are filed in one docket, then both are submitted rows with consecutive tracking numbers of their own organizations', async () => {
    const first = await fileResponse(t);
    const second = await fileResponse(t, { proceeding: { id: first.proceedingId, docket: first.docket } });
    const rows = await t.deps.db.selectFrom('submissions').select(['id', 'status', 'organization_id', 'tracking_number'])
      .where('id', 'in', [first.id, second.id]).orderBy('tracking_number').execute();
    expect(rows.map((r) => r.status)).toEqual(['submitted', 'submitted']);
    expect(rows.map((r) => r.tracking_number)).toEqual([`${first.docket}-000001`, `${first.docket}-000002`]);
    expect(rows[0]!.organization_id).toBe(first.organizationId);
    expect(first.organizationId).not.toBe(second.organizationId);
  });
});
