import { canonicalTimeZone, checkProceeding, resolveLimits, responseSchemaProblem, type ProceedingFields } from '../../server/proceedings/proceedings.rules';
import { DEFAULT_LIMITS, refuseNulls } from '../../server/proceedings/proceedings.schemas';
import { DEFAULT_RESPONSE_SCHEMA } from '../../server/proceedings/response-schema';

const fields = (over: Partial<ProceedingFields> = {}): ProceedingFields => ({
  title: 'T', summary: 'S', noticeText: 'N', opensAt: '2017-09-19T00:00:00-04:00', closesAt: '2017-11-03T23:59:00-04:00',
  timeZone: 'America/New_York', latePolicy: 'reject', responseSchema: null, limits: {}, ...over,
});

describe('canonicalTimeZone', () => {
  it('when the zone is real in any letter case or an alias, then its canonical IANA name', () => {
    expect(canonicalTimeZone('America/New_York')).toBe('America/New_York');
    expect(canonicalTimeZone('europe/moscow')).toBe('Europe/Moscow');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });
  it('when the zone is invented or an offset, then null', () => {
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(canonicalTimeZone('+05:00')).toBeNull();
  });
});

describe('responseSchemaProblem', () => {
  it('when the schema is the default or a plain object schema, then no problem', () => {
    expect(responseSchemaProblem(DEFAULT_RESPONSE_SCHEMA as unknown as Record<string, unknown>)).toBeNull();
    expect(responseSchemaProblem({ type: 'object', properties: { n: { type: 'integer', minimum: 0 } } })).toBeNull();
  });
  it('when the schema is not an object schema, misspells a keyword or names itself, then a sentence saying so', () => {
    expect(responseSchemaProblem({ type: 'string' })).toMatch(/"type": "object"/);
    expect(responseSchemaProblem({ type: 'object', properties: { a: { maxLenght: 3 } } })).toMatch(/unknown keyword/);
    expect(responseSchemaProblem({ type: 'object', properties: { a: { type: 'string', format: 'shoe-size' } } })).toMatch(/unknown format/);
    expect(responseSchemaProblem({ type: 'object', $id: 'x' })).toMatch(/\$id/);
  });
});

describe('resolveLimits', () => {
  it('when some limits are given, then the rest are the defaults', () => {
    expect(resolveLimits({ maxFiles: 3 })).toEqual({ ...DEFAULT_LIMITS, maxFiles: 3 });
    expect(resolveLimits(null)).toEqual(DEFAULT_LIMITS);
  });
  it('when the total is below one file, then 422 invalid_limits', () => {
    expect(() => resolveLimits({ maxFileBytes: 10, maxTotalBytes: 9 })).toThrow(expect.objectContaining({ status: 422, code: 'invalid_limits' }));
  });
});

describe('checkProceeding', () => {
  it('when everything is right, then dates are parsed, the zone canonical and the default schema filled in', () => {
    const p = checkProceeding(fields({ timeZone: 'america/new_york' }));
    expect(p.closesAt.toISOString()).toBe('2017-11-04T03:59:00.000Z');
    expect(p.timeZone).toBe('America/New_York');
    expect(p.responseSchema).toBe(DEFAULT_RESPONSE_SCHEMA);
    expect(p.limits).toEqual(DEFAULT_LIMITS);
  });
  it('when the window is empty or backwards, then 422 invalid_window', () => {
    const same = fields({ closesAt: '2017-09-19T04:00:00Z' });
    expect(() => checkProceeding(same)).toThrow(expect.objectContaining({ status: 422, code: 'invalid_window' }));
  });
  it('when the zone is unknown, then 400 invalid_time_zone before anything else', () => {
    expect(() => checkProceeding(fields({ timeZone: 'Nowhere/Town', closesAt: '2000-01-01T00:00:00Z' })))
      .toThrow(expect.objectContaining({ status: 400, code: 'invalid_time_zone' }));
  });
});

describe('refuseNulls', () => {
  it('when a PATCH blanks a field, then 400 naming it; null schema and limits mean "default"', () => {
    expect(() => refuseNulls({ title: null })).toThrow(expect.objectContaining({ status: 400, message: expect.stringContaining('"title"') }));
    expect(() => refuseNulls({ limits: { maxFiles: null } })).toThrow(expect.objectContaining({ message: expect.stringContaining('"limits.maxFiles"') }));
    expect(() => refuseNulls({ responseSchema: null, limits: null })).not.toThrow();
  });
});
