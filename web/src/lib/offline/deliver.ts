import type { z } from 'zod';
import type { ErrorIssue } from '$contracts/common.ts';
import { MAX_PICKUP_BATCH, PackagingRunView, PickupBatchResult, StorageMovementView } from '$contracts/ledger.ts';
import { api, ApiError } from '$lib/api/client.ts';
import type { OutboxKind, OutboxRecord, Rejection } from './outbox-types.ts';

/**
 * What became of one attempt to send a record:
 * - sent: the server has it (`duplicate`: it already had it, from a try whose answer was lost);
 * - rejected: the server refused it for good (a 4xx other than the ones below);
 * - retry: try again later with the same id — `network` (no connection, or no answer),
 *   `server` (5xx, 408, 429), `unauthorized` (401: the session ended; log in again), `csrf`
 *   (403 for a stale CSRF token: the page's copy is older than the session's).
 */
export type Delivery =
  | { id: string; outcome: 'sent'; duplicate: boolean }
  | { id: string; outcome: 'rejected'; rejection: Rejection }
  | { id: string; outcome: 'retry'; reason: RetryReason };
export type RetryReason = 'network' | 'server' | 'unauthorized' | 'csrf';

const ENDPOINT: Record<Exclude<OutboxKind, 'pickup'>, { path: string; schema: z.ZodType }> = {
  packaging: { path: '/packaging-runs', schema: PackagingRunView },
  storage: { path: '/storage-movements', schema: StorageMovementView },
};

/** How an error answer is to be treated: a retry reason, or null when the refusal is final. */
export function retryReasonOf(error: unknown): RetryReason | null {
  if (!(error instanceof ApiError)) return 'network';
  const { status } = error;
  if (status === 0) return 'network';
  if (status === 401) return 'unauthorized';
  if (status === 403 && /csrf/i.test(error.message)) return 'csrf';
  if (status >= 500 || status === 408 || status === 429) return 'server';
  // A 2xx whose body did not parse: recorded, but what became of each item is unknown. Sending
  // the same ids again is harmless and tells.
  if (status >= 200 && status < 300) return 'server';
  return null;
}

function rejectionOf(error: ApiError, prefix = ''): Rejection {
  return { status: error.status, code: error.code, message: error.message, issues: stripPrefix(error.issues, prefix) };
}

function stripPrefix(issues: readonly ErrorIssue[] | undefined, prefix: string): ErrorIssue[] {
  return (issues ?? []).map((i) => ({ path: prefix && i.path.startsWith(prefix) ? i.path.slice(prefix.length) : i.path, message: i.message }));
}

/** One packaging run or storage movement, one request. */
export async function deliverOne(record: Exclude<OutboxRecord, { kind: 'pickup' }>): Promise<Delivery> {
  const { path, schema } = ENDPOINT[record.kind];
  try {
    await api(path, schema, { method: 'POST', body: record.body, quiet401: true });
    // 201 and 200 both parse to the view; the batch route (below) is the one that tells them apart.
    return { id: record.id, outcome: 'sent', duplicate: false };
  } catch (error) {
    if (error instanceof ApiError && error.status >= 200 && error.status < 300) return { id: record.id, outcome: 'sent', duplicate: false };
    const reason = retryReasonOf(error);
    if (reason) return { id: record.id, outcome: 'retry', reason };
    return { id: record.id, outcome: 'rejected', rejection: rejectionOf(error as ApiError) };
  }
}

/**
 * Pickups go in batches: a line list entered at the farm gate, or a day's worth queued offline,
 * is one round trip on a weak connection instead of one per line, and the server judges each
 * item on its own (one bad line does not hold back the others).
 */
export async function deliverPickups(records: Extract<OutboxRecord, { kind: 'pickup' }>[]): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (let start = 0; start < records.length; start += MAX_PICKUP_BATCH) {
    const chunk = records.slice(start, start + MAX_PICKUP_BATCH);
    try {
      const { results } = await api('/pickups/batch', PickupBatchResult, {
        method: 'POST',
        body: { items: chunk.map((r) => r.body) },
        quiet401: true,
      });
      for (const result of results) {
        const record = chunk[result.index];
        if (!record) continue;
        if (result.status === 'created' || result.status === 'duplicate') {
          out.push({ id: record.id, outcome: 'sent', duplicate: result.status === 'duplicate' });
        } else {
          const status = result.status === 'conflict' ? 409 : result.error?.code === 'FORBIDDEN' ? 403 : 400;
          out.push({
            id: record.id,
            outcome: 'rejected',
            rejection: {
              status,
              code: result.error?.code ?? (result.status === 'conflict' ? 'CONFLICT' : 'VALIDATION'),
              message: result.error?.message ?? result.status,
              issues: stripPrefix(result.error?.issues, `items.${result.index}.`),
            },
          });
        }
      }
      // The server answers for every item; one it skipped stays pending rather than vanish.
      const answered = new Set(out.map((d) => d.id));
      for (const record of chunk) if (!answered.has(record.id)) out.push({ id: record.id, outcome: 'retry', reason: 'server' });
    } catch (error) {
      const reason = retryReasonOf(error);
      // The whole batch refused (403 for the role, say): every item carries the reason.
      for (const record of chunk)
        out.push(
          reason ? { id: record.id, outcome: 'retry', reason } : { id: record.id, outcome: 'rejected', rejection: rejectionOf(error as ApiError, 'items.') },
        );
      // Nothing after a failed chunk goes out of turn.
      if (reason) {
        for (const record of records.slice(start + MAX_PICKUP_BATCH)) out.push({ id: record.id, outcome: 'retry', reason });
        break;
      }
    }
  }
  return out;
}
