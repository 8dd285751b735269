import { asc, eq } from 'drizzle-orm';
import { projects } from '../../../db/schema/index.ts';
import { IdParams } from '../../contracts/common.ts';
import type { ProjectView } from '../../contracts/projects.ts';
import type { Ctx } from '../context.ts';
import { DomainError, parseInput } from '../errors.ts';
import { toProjectView } from './project-view.ts';

export async function listProjects({ ctx }: { ctx: Ctx }): Promise<{ items: ProjectView[] }> {
  const rows = await ctx.db.select().from(projects).orderBy(asc(projects.startsOn), asc(projects.townCode), asc(projects.code));
  return { items: rows.map(toProjectView) };
}

export async function getProject({ ctx, id }: { ctx: Ctx; id: string }): Promise<ProjectView> {
  parseInput(IdParams, { id });
  const [row] = await ctx.db.select().from(projects).where(eq(projects.id, id));
  if (!row) throw DomainError.notFound(`Project ${id}`);
  return toProjectView(row);
}
