import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * Slow request bodies (SECURITY.md: "A body that stalls or trickles far below a sane rate is
 * dropped"). Each body still arriving when its request starts is watched by one interval timer
 * that samples the socket's byte count: nothing runs per chunk. Only time spent reading counts: while
 * nobody reads the body yet (the route is checking access) or the portal pauses it (the disk is
 * behind), the client is not to blame and the clock restarts.
 */

/** The thresholds (settings BODY_STALL_SECONDS, BODY_MIN_BYTES_PER_SECOND, BODY_RATE_WINDOW_SECONDS). */
export interface BodyPace { readonly stallMs: number; readonly minBytesPerSecond: number; readonly windowMs: number }
/** `stalled`: no byte for stallMs; `too_slow`: fewer than minBytesPerSecond on average over windowMs. */
export type Slowness = 'stalled' | 'too_slow';
/** What a route does with its slow body (instead of the default: the connection is closed). */
export type SlowBodyHandler = (slowness: Slowness, pace: BodyPace) => void;

/** Samples per shorter threshold: a slow body is caught at most about two ticks late. */
const TICKS_PER_THRESHOLD = 4;
const MAX_TICK_MS = 1000;
/** After a route's handler has answered, the connection is closed at the latest this much later. */
const CLOSE_GRACE_MS = 5000;

/** The sampling interval for these thresholds. */
export const tickFor = (pace: BodyPace): number =>
  Math.max(10, Math.min(MAX_TICK_MS, Math.min(pace.stallMs, pace.windowMs) / TICKS_PER_THRESHOLD));

/** Judges progress from (time, bytes so far) samples taken every tick; pure, so it is tested with a made-up clock. */
export class PaceMeter {
  private readonly times: Float64Array;
  private readonly bytes: Float64Array;
  private count = 0;
  private lastBytes = 0;
  private lastProgressAt = 0;

  constructor(private readonly pace: BodyPace, tickMs = tickFor(pace)) {
    const size = Math.ceil(pace.windowMs / tickMs) + 2;
    this.times = new Float64Array(size);
    this.bytes = new Float64Array(size);
  }

  /** One sample; `reading` is false while the body is not being read. Returns the verdict once slow. */
  sample(now: number, bytesSoFar: number, reading: boolean): Slowness | undefined {
    if (!reading || this.count === 0) return this.restart(now, bytesSoFar);
    if (bytesSoFar > this.lastBytes) {
      this.lastBytes = bytesSoFar;
      this.lastProgressAt = now;
    } else if (now - this.lastProgressAt >= this.pace.stallMs) {
      return 'stalled';
    }
    this.record(now, bytesSoFar);
    return this.tooSlow(now, bytesSoFar) ? 'too_slow' : undefined;
  }

  /** True once the samples span a whole window and it brought less than the minimum rate. */
  private tooSlow(now: number, bytesSoFar: number): boolean {
    if (this.pace.minBytesPerSecond <= 0) return false;
    const n = this.times.length;
    // The newest sample at least one window old: the average since then decides.
    for (let back = 1; back < Math.min(this.count, n); back += 1) {
      const i = (this.count - 1 - back) % n;
      const span = now - this.times[i]!;
      if (span >= this.pace.windowMs) return bytesSoFar - this.bytes[i]! < (this.pace.minBytesPerSecond * span) / 1000;
    }
    return false;
  }

  private restart(now: number, bytesSoFar: number): undefined {
    this.count = 0;
    this.lastBytes = bytesSoFar;
    this.lastProgressAt = now;
    this.record(now, bytesSoFar);
    return undefined;
  }

  private record(now: number, bytesSoFar: number): void {
    const i = this.count % this.times.length;
    this.times[i] = now;
    this.bytes[i] = bytesSoFar;
    this.count += 1;
  }
}

const handlers = new WeakMap<IncomingMessage, SlowBodyHandler>();

/**
 * For a route that reads the body itself and can do better than a closed connection (answer 408,
 * remove what it wrote). Returns the function that hands the body back to the default.
 */
export function onSlowBody(req: IncomingMessage, handler: SlowBodyHandler): () => void {
  handlers.set(req, handler);
  return () => { handlers.delete(req); };
}

/** App-level middleware: watches every request whose body has not fully arrived yet, until it has. */
export function bodyPaceGuard(pace: BodyPace): RequestHandler {
  return (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.complete) watch(req, pace);
    next();
  };
}

function watch(req: Parameters<RequestHandler>[0], pace: BodyPace): void {
  const socket = req.socket;
  const meter = new PaceMeter(pace);
  const timer = setInterval(() => {
    const slowness = meter.sample(Date.now(), socket.bytesRead, req.readableFlowing === true);
    if (!slowness) return;
    stop();
    req.log?.warn({ slowness, bytesRead: socket.bytesRead }, 'slow request body dropped');
    const handler = handlers.get(req);
    if (!handler) {
      socket.destroy();
      return;
    }
    handler(slowness, pace);
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }, tickFor(pace));
  timer.unref();
  const stop = () => clearInterval(timer);
  req.once('end', stop);
  req.once('close', stop);
}
