// A bulk decision's record for the rollout's audit trail, checked and bounded by hand (zod stays out of the
// sandbox): the signal comes from our own bulkDecision, but anyone may signal, and the trail is carried across
// continue-as-new, so every string and list is cut to size.
import { BULK_REFUSED_SHOWN, type BulkDecisionSummary } from './messages';

const TEXT_LIMIT = 500;
const COUNT_KEYS = ['accepted', 'refused', 'alreadyDone', 'notFound', 'failed'] as const;

/** The summary, bounded; undefined when the argument is not one. */
export function bulkSummaryOf(raw: unknown): BulkDecisionSummary | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined);
  const id = text(r.id);
  const by = text(r.by);
  const reason = text(r.reason);
  if (!id || !by || !reason || (r.action !== 'complete' && r.action !== 'cancel')) return undefined;
  const counts: Record<string, number> = {};
  const given = typeof r.counts === 'object' && r.counts !== null ? (r.counts as Record<string, unknown>) : {};
  for (const key of COUNT_KEYS) {
    const n = given[key];
    counts[key] = typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
  }
  const refused = (Array.isArray(r.refused) ? r.refused : [])
    .slice(0, BULK_REFUSED_SHOWN)
    .map((m: unknown) => (typeof m === 'object' && m !== null ? (m as Record<string, unknown>) : {}))
    .filter((m) => typeof m.service === 'string')
    .map((m) => ({ service: clip(String(m.service)), reason: clip(typeof m.reason === 'string' ? m.reason : '') }));
  const changeReference = text(r.changeReference);
  return { id, action: r.action, by, reason, ...(changeReference && { changeReference }), counts, refused };
}

function clip(text: string): string {
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT - 1)}…` : text;
}
