import { ConfigError, loadConfig } from '../../server/config';
import { PaceMeter, tickFor, type BodyPace } from '../../server/http/body-pace';

/**
 * The pace rules with the settings' defaults (20 s without a byte, or under 1 KiB/s over 30 s),
 * on a made-up clock: the tick a real watcher would use, the bytes a client would have sent by then.
 */
const DEFAULTS = loadConfig({}).bodyPace;

/** Runs the meter tick by tick until it gives a verdict or `forMs` passes; `reading(t)` false = the portal paused the body. */
function run(pace: BodyPace, bytesAt: (t: number) => number, forMs: number, reading: (t: number) => boolean = () => true) {
  const meter = new PaceMeter(pace);
  const tick = tickFor(pace);
  for (let t = 0; t <= forMs; t += tick) {
    const verdict = meter.sample(t, Math.floor(bytesAt(t)), reading(t));
    if (verdict) return { verdict, atMs: t };
  }
  return { verdict: undefined, atMs: forMs };
}

describe('slow request bodies, with the default settings', () => {
  it('when nothing is configured, then the defaults are 20 s, 1 KiB/s and 30 s, sampled every second', () => {
    expect(DEFAULTS).toEqual({ stallMs: 20_000, minBytesPerSecond: 1024, windowMs: 30_000 });
    expect(tickFor(DEFAULTS)).toBe(1000);
  });

  it('when a client sends 1 byte every 3 seconds, then it is too slow once a window has passed, and not before', () => {
    const { verdict, atMs } = run(DEFAULTS, (t) => t / 3000, 15 * 60_000);
    expect(verdict).toBe('too_slow');
    expect(atMs).toBeGreaterThanOrEqual(30_000);
    expect(atMs).toBeLessThanOrEqual(32_000);
  });

  it('when a client sends fast, then goes quiet, then the stall is caught 20 to 22 seconds after its last byte', () => {
    const { verdict, atMs } = run(DEFAULTS, (t) => 65_536 * Math.min(t, 10_500) / 1000, 5 * 60_000);
    expect(verdict).toBe('stalled');
    expect(atMs - 10_500).toBeGreaterThanOrEqual(20_000);
    expect(atMs - 10_500).toBeLessThanOrEqual(22_000);
  });

  it.each([
    ['64 KiB/s', 65_536], ['2 KiB/s', 2048], ['1.1 KiB/s', 1130],
  ])('when a client sends a steady %s for an hour, then it is never judged slow', (_what, rate) => {
    expect(run(DEFAULTS, (t) => (rate * t) / 1000, 60 * 60_000).verdict).toBeUndefined();
  });

  it('when a client averages 900 bytes/s, then it is too slow after the first window', () => {
    const { verdict, atMs } = run(DEFAULTS, (t) => (900 * t) / 1000, 10 * 60_000);
    expect([verdict, atMs >= 30_000 && atMs <= 32_000]).toEqual(['too_slow', true]);
  });

  it('when a mobile client sends bursts with 15-second gaps, then it is never judged slow', () => {
    // 5 s at 64 KiB/s, then 15 s of nothing, over and over.
    const bytesAt = (t: number) => 65_536 * (Math.floor(t / 20_000) * 5 + Math.min(t % 20_000, 5000) / 1000);
    expect(run(DEFAULTS, bytesAt, 30 * 60_000).verdict).toBeUndefined();
  });

  it('when the portal pauses the body for five minutes (disk behind, route still checking), then the client is not blamed, and the clock restarts after', () => {
    const paused = (t: number) => t < 60_000 || t >= 360_000;
    const bytesAt = (t: number) => (t < 60_000 ? 65_536 * t / 1000 : 65_536 * 60);
    const { verdict, atMs } = run(DEFAULTS, bytesAt, 10 * 60_000, paused);
    expect(verdict).toBe('stalled');
    expect(atMs).toBeGreaterThanOrEqual(360_000 + 20_000 - tickFor(DEFAULTS)); // counted from the resume (to the tick)
  });

  it('when the rate rule is switched off (BODY_MIN_BYTES_PER_SECOND=0), then a trickle passes but a stall does not', () => {
    const pace = { ...DEFAULTS, minBytesPerSecond: 0 };
    expect(run(pace, (t) => t / 3000, 60 * 60_000).verdict).toBeUndefined();
    expect(run(pace, (t) => Math.min(t, 1000), 60_000).verdict).toBe('stalled');
  });
});

describe('pace settings', () => {
  it('when BODY_* are set, then they become the thresholds (seconds may have decimals)', () => {
    expect(loadConfig({ BODY_STALL_SECONDS: '2.5', BODY_MIN_BYTES_PER_SECOND: '4096', BODY_RATE_WINDOW_SECONDS: '10' }).bodyPace)
      .toEqual({ stallMs: 2500, minBytesPerSecond: 4096, windowMs: 10_000 });
  });

  it.each([
    [{ BODY_STALL_SECONDS: '0' }, /BODY_STALL_SECONDS must be >= 0.1/],
    [{ BODY_STALL_SECONDS: 'soon' }, /BODY_STALL_SECONDS must be number/],
    [{ BODY_MIN_BYTES_PER_SECOND: '-1' }, /BODY_MIN_BYTES_PER_SECOND must be >= 0/],
    [{ BODY_RATE_WINDOW_SECONDS: '7200' }, /BODY_RATE_WINDOW_SECONDS must be <= 3600/],
  ])('when %j, then the start stops naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
