/** "3 November 2017, 11:59 PM EDT" in the proceeding's own time zone. */
export function formatInZone(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone, day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
  }).format(at);
}

/** The deadline as people need it: local to the proceeding, and in UTC. */
export function describeDeadline(closesAt: Date, timeZone: string): string {
  return `${formatInZone(closesAt, timeZone)} (${closesAt.toISOString().replace('.000Z', 'Z')})`;
}

export type WindowState = 'not_open' | 'open' | 'closed';

export function windowState(now: Date, opensAt: Date, closesAt: Date): WindowState {
  if (now < opensAt) return 'not_open';
  return now < closesAt ? 'open' : 'closed';
}

/**
 * The window rule for responses: a response may be prepared before and during the window, and
 * after it only where late responses are accepted (and flagged). Filing checks it too.
 */
export const acceptsResponses = (state: WindowState, latePolicy: string): boolean =>
  state !== 'closed' || latePolicy === 'accept_flagged';

/** "12 days, 4 hours" left, or null once the window has closed. */
export function timeLeft(now: Date, closesAt: Date): string | null {
  const ms = closesAt.getTime() - now.getTime();
  if (ms <= 0) return null;
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (days > 0) return `${plural(days, 'day')}, ${plural(hours, 'hour')}`;
  if (hours > 0) return `${plural(hours, 'hour')}, ${plural(minutes, 'minute')}`;
  return plural(Math.max(minutes, 1), 'minute');
}
