import { ConfigError, loadConfig } from '../../server/config';

describe('loadConfig', () => {
  it('when nothing is set, then development defaults apply', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ nodeEnv: 'development', port: 3000, publicUrl: 'http://localhost:3000', databaseUrl: undefined, workerInProcess: true, trustProxy: 'loopback' });
    expect(Object.isFrozen(c)).toBe(true);
  });
  it.each([
    [{ PORT: 'eighty' }, /PORT must be integer/],
    [{ PORT: '70000' }, /PORT must be <= 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must match pattern/],
    [{ SESSION_SECRET: 'short' }, /SESSION_SECRET must NOT have fewer than 32 characters/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be equal to one of the allowed values/],
    [{ TRUST_PROXY: 'everyone' }, /TRUST_PROXY must match pattern/],
    [{ METRICS_TOKEN: 'too short' }, /METRICS_TOKEN must NOT have fewer than 32 characters/],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://portal.example.gov' }, /SESSION_SECRET is required/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://portal.example.gov' }, /SMTP_URL is required/],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), SMTP_URL: 'smtp://mail:25', PUBLIC_URL: 'http://portal.example.gov' }, /PUBLIC_URL must be an https/],
  ])('when %j, then the start stops naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
