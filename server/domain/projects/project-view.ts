import { projects } from '../../../db/schema/index.ts';
import type { ProjectTier, ProjectView } from '../../contracts/projects.ts';

export type ProjectRow = typeof projects.$inferSelect;

export const toProjectView = (r: ProjectRow): ProjectView => ({
  id: r.id,
  code: r.code,
  name: r.name,
  nameEn: r.nameEn,
  productCode: r.productCode,
  tier: r.tier as ProjectTier,
  targetParcels: r.targetParcels,
  startsOn: r.startsOn,
  endsOn: r.endsOn,
  townCode: r.townCode,
  createdAt: r.createdAt.toISOString(),
});
