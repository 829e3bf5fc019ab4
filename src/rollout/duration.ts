// A soak written as engineers write it in Argo Rollouts and Cloud Deploy (30m, 24h, 1h30m, 2d), in seconds. Days are
// the largest unit: a soak is hours to days, and a month would hide whether it means 28 or 31 of them.
const UNIT_SECONDS = { d: 86_400, h: 3600, m: 60, s: 1 } as const;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
/** Longer than any soak anyone meant: a typo (240d for 24h) rather than a plan. */
export const MAX_SOAK_SECONDS = 90 * 86_400;

/** `value` in seconds, or undefined when it is not such a duration or longer than MAX_SOAK_SECONDS. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value);
  if (!match || value === '') return undefined;
  const [, d, h, m, s] = match;
  const seconds =
    Number(d ?? 0) * UNIT_SECONDS.d +
    Number(h ?? 0) * UNIT_SECONDS.h +
    Number(m ?? 0) * UNIT_SECONDS.m +
    Number(s ?? 0);
  return seconds <= MAX_SOAK_SECONDS ? seconds : undefined;
}
