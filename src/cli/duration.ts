// Durations beside times, as a person reads them: "in REPLICATION for 41 d 3 h", "last poll 12 s ago". The
// two largest units only: a migration weeks long needs days and hours, not seconds.

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1000],
] as const;

/** `ms` as its two largest non-zero units ("41 d 3 h", "5 min", "12 s"); under a second is "0 s". */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms));
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
    if (parts.length === 2) break;
  }
  const shown = parts.filter((part, i) => i === 0 || !part.startsWith('0 '));
  return shown.length > 0 ? shown.join(' ') : '0 s';
}

/** How far `iso` is from `now`: "12 s ago", "in 48 s"; undefined for a missing or unreadable time. */
export function relativeTime(iso: string | undefined, now: number): string | undefined {
  const at = iso === undefined ? NaN : Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  const span = formatDuration(Math.abs(now - at));
  return at <= now ? `${span} ago` : `in ${span}`;
}

/** `iso (12 s ago)`, or `iso` alone when it cannot be read. */
export function withRelative(iso: string, now: number): string {
  const relative = relativeTime(iso, now);
  return relative ? `${iso} (${relative})` : iso;
}
