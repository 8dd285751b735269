import { sql } from 'drizzle-orm';
import { carriers, coverageTargets, products, projectTiers, towns } from '../schema/index.ts';
import type { Db } from '../client.ts';
import { referenceData, seasonWindow } from './reference-data.ts';

/**
 * Inserts the reference facts that are missing. Existing rows are left alone, so an
 * administrator's corrections (a town's village count, say) survive every restart.
 */
export async function seedReferenceData(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(towns)
      .values(
        referenceData.towns.map((t) => ({
          code: t.code,
          name: t.name,
          nameEn: t.nameEn,
          kind: t.kind,
          villageCount: t.villageCount,
          villageCountSourced: t.villageCountSourced,
        })),
      )
      .onConflictDoNothing();
    await tx
      .insert(carriers)
      .values(referenceData.carriers.map((c) => ({ code: c.code, name: c.name, nameEn: c.nameEn })))
      .onConflictDoNothing();
    const tiers = referenceData.projectTiers as unknown as Record<string, { name: string; minParcelsPerYear: number }>;
    await tx
      .insert(projectTiers)
      .values(
        ['gold', 'silver', 'bronze'].map((code) => ({
          code,
          name: tiers[code].name,
          minParcelsPerYear: tiers[code].minParcelsPerYear,
        })),
      )
      .onConflictDoNothing();
    await tx
      .insert(products)
      .values(
        referenceData.products.map((p) => {
          const season = seasonWindow(p.code);
          return {
            code: p.code,
            name: p.name,
            nameEn: p.nameEn,
            tier: p.tier,
            targetParcels: p.targetParcels,
            varieties: p.varieties,
            packages: p.packages,
            seasonStart: season.from,
            seasonEnd: season.to,
          };
        }),
      )
      .onConflictDoNothing();
    // Coverage targets are seeded only into an empty table: an administrator replaces the whole set
    // (never with an empty one), so a restart must not bring back a target that was removed.
    await tx.execute(sql`LOCK TABLE coverage_targets IN SHARE ROW EXCLUSIVE MODE`);
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(coverageTargets);
    if (Number(n) === 0) {
      await tx
        .insert(coverageTargets)
        .values(referenceData.coverageTargets.map((t) => ({ by: t.by, rate: t.rate, countsProxy: true, label: t.of, updatedBy: 'system' })));
    }
  });
}
