import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { referenceData } from '../../../db/seed/reference-data.ts';
import { createUser } from '../accounts/create-user.ts';
import { applyCarrierVolumes } from '../carriers/report-carrier-volumes.ts';
import type { Ctx } from '../context.ts';
import { recordPackagingRun } from '../ledger/record-packaging-run.ts';
import { recordPickupBatch } from '../ledger/record-pickup-batch.ts';
import { recordStorageMovement } from '../ledger/record-storage-movement.ts';
import { createCooperative } from '../organizations/create-cooperative.ts';
import { createStorageFacility } from '../organizations/create-storage-facility.ts';
import { createProject } from '../projects/create-project.ts';
import { seasonRunningOrNext } from '../projects/seasons.ts';
import { addDays, businessDate, datesFrom } from '../../rules/time.ts';
import { seededRandom, stableUuid } from './random.ts';
import { seedNetwork } from './seed-network.ts';

/** The demo accounts, one per role; documented in the README. Never use demo mode in production. */
export const DEMO_ACCOUNTS = [
  { username: 'admin', password: 'guoyun-admin-2026', role: 'admin', displayName: '系统管理员' },
  { username: 'official', password: 'guoyun-official-2026', role: 'official', displayName: '县快递进村领导小组办公室' },
  { username: 'coop', password: 'guoyun-coop-2026', role: 'cooperative', displayName: '燕崖镇果品专业合作社' },
  { username: 'carrier', password: 'guoyun-carrier-2026', role: 'carrier', displayName: '中国邮政沂源县分公司' },
] as const;

// Rough shares of each town in each crop; estimates for realistic demo pictures only.
const APPLE_WEIGHT: Record<string, number> = {
  '370323001': 0.5,
  '370323002': 0.6,
  '370323102': 1.0,
  '370323103': 1.4,
  '370323104': 1.1,
  '370323105': 1.1,
  '370323106': 1.0,
  '370323107': 1.2,
  '370323108': 1.0,
  '370323109': 0.8,
  '370323110': 0.8,
  '370323111': 1.3,
};
const CHERRY_WEIGHT: Record<string, number> = {
  '370323001': 0.3,
  '370323002': 0.4,
  '370323102': 0.6,
  '370323103': 0.7,
  '370323104': 0.6,
  '370323105': 0.8,
  '370323106': 1.0,
  '370323107': 1.0,
  '370323108': 1.2,
  '370323109': 3.0,
  '370323110': 0.7,
  '370323111': 0.6,
};
const CARRIER_SHARE: Record<string, number> = { ems: 0.3, zto: 0.18, yto: 0.12, yunda: 0.12, sf: 0.1, jd: 0.06, sto: 0.06, jt: 0.04, deppon: 0.02 };
const COOP_KINDS = ['果品专业合作社', '苹果种植专业合作社', '樱桃种植专业合作社'];

type Shape = { from: string; to: string; share: number }[];

/** Parcels per day for a season, following the reference season shape, with a Double-11 spike for apples. */
function dailyVolumes(shape: Shape, startsOn: string, endsOn: string, total: number, rand: () => number): Map<string, number> {
  const out = new Map<string, number>();
  const year0 = Number(startsOn.slice(0, 4));
  // Shapes give MM-DD bounds; a bound before the season's start month-day lies in the next year.
  const dateIn = (mmdd: string) => (`${year0}-${mmdd}` >= startsOn ? `${year0}-${mmdd}` : `${year0 + 1}-${mmdd}`);
  for (const period of shape) {
    const days = datesFrom(dateIn(period.from), dateIn(period.to)).filter((d) => d <= endsOn);
    for (const d of days) {
      const spike = d.slice(5) >= '11-09' && d.slice(5) <= '11-12' ? 2.2 : 1;
      out.set(d, (out.get(d) ?? 0) + ((total * period.share) / days.length) * spike * (0.75 + rand() * 0.5));
    }
  }
  return out;
}

export type DemoSummary = { seeded: boolean; pickups: number; carrierReports: number };

/**
 * Demo mode: one account per role, cooperatives and cold stores in all 12 towns, and the
 * ledger of the apple season so far plus last year's cherry season, written through the
 * same verbs as real data (so every tally and `verify` hold). Skipped if already seeded.
 */
export async function seedDemo({ ctx }: { ctx: Ctx }): Promise<DemoSummary> {
  const [already] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.username, 'official'));
  if (already) return { seeded: false, pickups: 0, carrierReports: 0 };
  const rand = seededRandom(20261129);
  const today = businessDate(ctx.clock());

  const coops = new Map<string, string[]>();
  for (const town of referenceData.towns) {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { cooperative } = await createCooperative({
        ctx,
        input: {
          id: stableUuid(`coop-${town.code}-${i}`),
          name: `${town.name.replace(/(街道|镇)$/, '')}${COOP_KINDS[i]}`,
          townCode: town.code,
          contact: `0533-32${town.code.slice(-3)}${i}`,
        },
      });
      ids.push(cooperative.id);
    }
    coops.set(town.code, ids);
  }
  const yanyaCoop = coops.get('370323109')![0];

  for (const a of DEMO_ACCOUNTS) {
    if (a.role === 'admin') continue; // the admin comes from the bootstrap, with the demo password
    const organization = a.role === 'cooperative' ? yanyaCoop : a.role === 'carrier' ? 'ems' : undefined;
    await createUser({ ctx, input: { username: a.username, password: a.password, role: a.role, displayName: a.displayName, organization } });
  }

  // Seasons: the apple season running (or next), last year's cherry season, and two town projects.
  const appleWindow = { from: '08-20', to: '04-30' };
  const apple = seasonRunningOrNext(appleWindow, today);
  const cherryYear = today.slice(5) >= '06-16' ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
  const cherry = { startsOn: `${cherryYear}-04-01`, endsOn: `${cherryYear}-06-15` };
  await createProject({
    ctx,
    input: {
      code: `cherry-${cherryYear}`,
      name: `沂源樱桃快递银牌项目（${cherryYear}产季）`,
      nameEn: `Yiyuan cherry express silver project, ${cherryYear} season`,
      productCode: 'cherry',
      tier: 'silver',
      targetParcels: 5_000_000,
      ...cherry,
    },
  }).catch(ignoreConflict);
  await createProject({
    ctx,
    input: {
      code: `yanya-cherry-${cherryYear}`,
      name: `燕崖镇樱桃百万件项目（${cherryYear}）`,
      productCode: 'cherry',
      tier: 'bronze',
      targetParcels: 1_000_000,
      townCode: '370323109',
      ...cherry,
    },
  }).catch(ignoreConflict);
  await createProject({
    ctx,
    input: {
      code: `dongli-apple-${apple.startYear}`,
      name: `东里镇苹果百万件项目（${apple.startYear}—${apple.endYear}）`,
      productCode: 'apple',
      tier: 'bronze',
      targetParcels: 1_000_000,
      townCode: '370323103',
      startsOn: apple.startsOn,
      endsOn: apple.endsOn,
    },
  }).catch(ignoreConflict);

  const shapes = referenceData.seasonShapes as unknown as Record<string, Shape>;
  let pickups = 0;
  let carrierReports = 0;
  const seasons = [
    { product: 'apple', window: apple, total: 10_000_000 * 0.93, weights: APPLE_WEIGHT, varieties: ['嘎啦', '红将军', '金帅', '红富士'] },
    { product: 'cherry', window: cherry, total: 5_000_000 * 1.04, weights: CHERRY_WEIGHT, varieties: ['红灯', '布鲁克斯', '美早', '先锋', '萨米脱'] },
  ];
  const weightSum = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);
  for (const s of seasons) {
    const volumes = dailyVolumes(shapes[s.product], s.window.startsOn, s.window.endsOn, s.total, rand);
    const batch: Record<string, unknown>[] = [];
    const reports: { carrierCode: string; townCode: string; productCode: string; date: string; parcels: number }[] = [];
    const flush = async () => {
      if (batch.length) pickups += (await recordPickupBatch({ ctx, input: { items: batch.splice(0) } })).summary.created;
    };
    for (const [date, dayTotal] of [...volumes].sort()) {
      if (date > today) break;
      for (const town of referenceData.towns) {
        for (const [carrier, share] of Object.entries(CARRIER_SHARE)) {
          const cell = Math.round(dayTotal * (s.weights[town.code] / weightSum(s.weights)) * share * (0.8 + rand() * 0.4));
          if (cell <= 0) continue;
          // One to three pickups per cell, from the town's cooperatives, spread over the day.
          const parts = cell < 50 ? 1 : 1 + Math.floor(rand() * 3);
          let left = cell;
          for (let p = 0; p < parts; p++) {
            const parcels = p === parts - 1 ? left : Math.max(1, Math.round((cell / parts) * (0.7 + rand() * 0.6)));
            left -= parcels;
            if (parcels <= 0) continue;
            const hour = 6 + Math.floor(rand() * 12);
            const pickedUpAt = new Date(Date.parse(`${date}T00:00:00+08:00`) + (hour * 60 + Math.floor(rand() * 60)) * 60_000);
            if (pickedUpAt > ctx.clock()) continue;
            batch.push({
              id: stableUuid(`pickup-${s.product}-${date}-${town.code}-${carrier}-${p}`),
              cooperativeId: coops.get(town.code)![p % 2],
              townCode: town.code,
              carrierCode: carrier,
              productCode: s.product,
              variety: s.varieties[Math.floor(rand() * s.varieties.length)],
              parcels,
              weightKg: Math.round(parcels * (s.product === 'apple' ? 5 : 1.5) * 10) / 10,
              pickedUpAt: pickedUpAt.toISOString(),
            });
            if (batch.length === 1000) await flush();
          }
          // Carriers report all but the last two days; most figures run a little above the
          // cooperatives' logs (walk-in parcels), some below (to reconcile).
          if (date <= addDays(today, -2)) {
            reports.push({ carrierCode: carrier, townCode: town.code, productCode: s.product, date, parcels: Math.round(cell * (0.96 + rand() * 0.1)) });
          }
        }
      }
    }
    await flush();
    for (let i = 0; i < reports.length; i += 5000) carrierReports += (await applyCarrierVolumes(ctx, reports.slice(i, i + 5000))).length;
  }

  // Cold stores: apples go in through the autumn and come out for the gift peak.
  const stores = [
    { town: '370323103', name: '东里镇果品气调库', kind: 'ca' as const, capacityKg: 3_000_000 },
    { town: '370323111', name: '南鲁山镇冷藏库', kind: 'cold' as const, capacityKg: 2_000_000 },
    { town: '370323107', name: '中庄镇冷链物流中心', kind: 'cold' as const, capacityKg: 2_500_000 },
    { town: '370323109', name: '燕崖镇樱桃预冷库', kind: 'cold' as const, capacityKg: 400_000 },
  ];
  for (const store of stores) {
    const operator = coops.get(store.town)![0];
    const { facility } = await createStorageFacility({
      ctx,
      input: {
        id: stableUuid(`store-${store.name}`),
        name: store.name,
        townCode: store.town,
        kind: store.kind,
        capacityKg: store.capacityKg,
        operatorCooperativeId: operator,
      },
    });
    if (store.kind === 'cold' && store.town === '370323109') continue;
    let held = 0;
    for (const date of datesFrom(addDays(apple.startsOn, 30), addDays(today, -1))) {
      if (rand() < 0.6) continue;
      const intoStore = date < addDays(apple.startsOn, 80) || rand() < 0.5;
      const weightKg = Math.round((intoStore ? 40_000 : 25_000) * (0.5 + rand()));
      if (intoStore && held + weightKg > store.capacityKg) continue;
      if (!intoStore && weightKg > held) continue;
      held += intoStore ? weightKg : -weightKg;
      await recordStorageMovement({
        ctx,
        input: {
          id: stableUuid(`move-${store.name}-${date}`),
          facilityId: facility.id,
          productCode: 'apple',
          direction: intoStore ? 'in' : 'out',
          weightKg,
          lot: `${date.replace(/-/g, '')}-${store.town.slice(-3)}`,
          movedAt: `${date}T02:00:00Z`,
        },
      });
    }
  }
  for (const [town, ids] of coops) {
    for (let i = 0; i < 5; i++) {
      const date = addDays(today, -1 - Math.floor(rand() * 30));
      if (date < apple.startsOn) continue;
      const parcels = 100 + Math.floor(rand() * 900);
      await recordPackagingRun({
        ctx,
        input: {
          id: stableUuid(`pack-${town}-${i}`),
          cooperativeId: ids[i % 2],
          productCode: 'apple',
          packageType: ['5 kg carton', '2.5 kg carton', 'gift box of 12 apples'][i % 3],
          parcels,
          fruitKg: parcels * 5,
          packedAt: `${date}T01:30:00Z`,
        },
      });
    }
  }
  await seedNetwork({ ctx });
  return { seeded: true, pickups, carrierReports };
}

function ignoreConflict(error: unknown): void {
  if ((error as { code?: string })?.code !== 'CONFLICT') throw error;
}
