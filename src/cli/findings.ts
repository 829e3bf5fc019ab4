// Findings as the CLI prints them (plan, cutover checks): one line each, the level as a fixed-width mark.
import type { Finding } from '../migration/findings';

const MARK = { ok: 'ok  ', warning: 'WARN', error: 'FAIL', skipped: 'skip' } as const;

export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `  ${MARK[f.level]}  ${f.check.padEnd(28)} ${f.message}`);
}
