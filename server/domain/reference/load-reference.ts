import { asc } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { carriers, products, towns } from '../../../db/schema/index.ts';
import type { CarrierView, ProductView, TownView } from '../../contracts/reference.ts';

export type Reference = {
  towns: TownView[];
  carriers: CarrierView[];
  products: ProductView[];
  townCodes: ReadonlySet<string>;
  carrierCodes: ReadonlySet<string>;
  productCodes: ReadonlySet<string>;
};

export async function loadReference(db: Db): Promise<Reference> {
  const [townRows, carrierRows, productRows] = await Promise.all([
    db.select().from(towns).orderBy(asc(towns.code)),
    db.select().from(carriers),
    db.select().from(products).orderBy(asc(products.code)),
  ]);
  const productViews: ProductView[] = productRows.map((p) => ({
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    tier: p.tier,
    targetParcels: p.targetParcels,
    varieties: p.varieties,
    packages: p.packages,
    season: { from: p.seasonStart, to: p.seasonEnd },
  }));
  return {
    towns: townRows,
    // Seed order is the reference order (EMS first), which officials expect in tables.
    carriers: carrierRows,
    products: productViews,
    townCodes: new Set(townRows.map((t) => t.code)),
    carrierCodes: new Set(carrierRows.map((c) => c.code)),
    productCodes: new Set(productRows.map((p) => p.code)),
  };
}

/** Field-level issues for codes that are well-formed but not on record. */
export function unknownCodeIssues(
  reference: Reference,
  codes: { townCode?: string; carrierCode?: string; productCode?: string },
  prefix = '',
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (codes.townCode !== undefined && !reference.townCodes.has(codes.townCode))
    issues.push({ path: `${prefix}townCode`, message: `unknown town code "${codes.townCode}"` });
  if (codes.carrierCode !== undefined && !reference.carrierCodes.has(codes.carrierCode))
    issues.push({ path: `${prefix}carrierCode`, message: `unknown carrier code "${codes.carrierCode}"` });
  if (codes.productCode !== undefined && !reference.productCodes.has(codes.productCode))
    issues.push({ path: `${prefix}productCode`, message: `unknown product code "${codes.productCode}"` });
  return issues;
}
