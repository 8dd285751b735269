import type { ErrorIssue } from '$contracts/common.ts';
import type { PackagingRunInput, PickupInput, StorageMovementInput } from '$contracts/ledger.ts';

/** The ledger writes a phone can queue, by the endpoint they go to. */
export type OutboxBodies = {
  pickup: PickupInput;
  packaging: PackagingRunInput;
  storage: StorageMovementInput;
};
export type OutboxKind = keyof OutboxBodies;
export const OUTBOX_KINDS: readonly OutboxKind[] = ['pickup', 'packaging', 'storage'];

/**
 * pending: on this device, not yet acknowledged by the server (new, or waiting for the network).
 * sent: the server has it (created now, or already on record from an earlier try).
 * rejected: the server refused it for good (4xx); kept until the user dismisses or re-enters it.
 */
export type OutboxStatus = 'pending' | 'sent' | 'rejected';

export type Rejection = {
  /** HTTP status (409 for a conflict or too little stock, 400 for invalid fields…). */
  status: number;
  code: string;
  message: string;
  /** Field-level issues, with paths relative to the record (a batch's "items.3." prefix removed). */
  issues: ErrorIssue[];
};

type RecordOf<K extends OutboxKind> = {
  /** The client-chosen UUID, also `body.id`: every re-send carries it, so nothing counts twice. */
  id: string;
  kind: K;
  body: OutboxBodies[K];
  /** The account that entered it (MeView.id): only that account's session sends it. */
  owner: string;
  status: OutboxStatus;
  /** Instants as ISO strings (IndexedDB and JSON both keep them as they are). */
  queuedAt: string;
  /** Its place among the records saved together (a line list's line 1, 2…). */
  position: number;
  attempts: number;
  lastAttemptAt: string | null;
  sentAt: string | null;
  /** The server already had it (a re-send after a lost answer): counted once all the same. */
  duplicate: boolean;
  rejection: Rejection | null;
};

export type OutboxRecord = { [K in OutboxKind]: RecordOf<K> }[OutboxKind];
