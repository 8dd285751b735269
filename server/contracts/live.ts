import { z } from 'zod';
import { Uuid } from './common.ts';
import { ProgressView, ProjectView } from './projects.ts';

// The live channel (/api/v1/live). Every message names its type and version, so a
// dashboard can refuse what it does not understand instead of misreading it.

/** Progress without the day-by-day series; updates carry only the days that changed. */
export const ProgressSummary = ProgressView.omit({ daily: true });
export type ProgressSummary = z.infer<typeof ProgressSummary>;

export const LiveProject = z.object({ project: ProjectView, version: z.number().int(), progress: ProgressView });

export const LiveServerMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('snapshot'),
    v: z.literal(1),
    at: z.string(),
    projects: z.array(LiveProject),
  }),
  z.object({
    type: z.literal('progress'),
    v: z.literal(1),
    at: z.string(),
    projectId: Uuid,
    version: z.number().int(),
    progress: ProgressSummary,
    /** Days whose counted figure may have changed; recompute the cumulative from them. */
    days: z.array(z.object({ date: z.string(), counted: z.number().int() })),
  }),
  z.object({ type: z.literal('project'), v: z.literal(1), at: z.string(), project: LiveProject }),
  z.object({ type: z.literal('heartbeat'), v: z.literal(1), at: z.string() }),
  z.object({ type: z.literal('error'), v: z.literal(1), code: z.string(), message: z.string() }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;

export const LiveClientMessage = z.discriminatedUnion('type', [
  /** Which projects to follow; null follows every active project. Answered with a snapshot. */
  z.object({ type: z.literal('subscribe'), v: z.literal(1), projectIds: z.array(Uuid).max(100).nullable() }),
  z.object({ type: z.literal('ping'), v: z.literal(1) }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

/** Applies a progress update to a full view: days replaced, cumulative recomputed. */
export function applyProgressUpdate(view: ProgressView, update: { progress: ProgressSummary; days: { date: string; counted: number }[] }): ProgressView {
  const byDate = new Map(view.daily.map((d) => [d.date, d.counted]));
  for (const d of update.days) byDate.set(d.date, d.counted);
  let cumulative = 0;
  const daily = [...byDate.keys()].sort().map((date) => {
    const counted = byDate.get(date)!;
    cumulative += counted;
    return { date, counted, cumulative };
  });
  return { ...update.progress, daily };
}
