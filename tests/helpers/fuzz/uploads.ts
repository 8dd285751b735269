import fc from 'fast-check';
import { MAX_PICKUP_IMPORT_BYTES } from '../../../server/contracts/pickup-import.ts';
import { xlsxBombs } from '../zip-bombs.ts';
import type { FuzzRoute } from './routes.ts';

// Files no import may take: .xlsx zip bombs (a gigabyte picture, a worksheet unpacking far past
// what it claims, thousands of parts, 640,000 rows, 600,000 cells) in every way each import route
// takes a file, and bodies past the route's size limit. Each must be refused, quickly (the
// fuzzer's answer deadline), and change nothing.

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The JSON body limit the test app runs with, which the carrier import's file bodies share. */
const BODY_LIMIT = 2 * 1024 * 1024;

export type Upload = { kind: string; payload: string | Buffer; contentType: string; refusal: string };

let bombs: { label: string; file: Buffer; base64: string }[] | undefined;
// Built on first use (about half a second), once for every route.
const theBombs = () => (bombs ??= xlsxBombs(['日期', '乡镇', '产品', '承运商', '件数']).map((b) => ({ ...b, base64: b.file.toString('base64') })));

let overPickupLimit: Buffer | undefined;
const pickupFileTooLarge = () => (overPickupLimit ??= Buffer.alloc(MAX_PICKUP_IMPORT_BYTES + 1, '1,'));

/** The hostile uploads for an import route (by path), or null for any other route. */
export function uploadArb(route: FuzzRoute): fc.Arbitrary<Upload> | null {
  if (route.method !== 'POST' || !route.path.endsWith('/import')) return null;
  const asJson =
    (format: 'xlsx') =>
    (b: ReturnType<typeof theBombs>[number]): Upload => ({
      kind: `${b.label} as ${format} in JSON`,
      payload: JSON.stringify({ format, content: b.base64 }),
      contentType: 'application/json',
      refusal: `a zip bomb (${b.label})`,
    });
  const asBody =
    (contentType: string) =>
    (b: ReturnType<typeof theBombs>[number]): Upload => ({
      kind: `${b.label} as a ${contentType} body`,
      payload: b.file,
      contentType,
      refusal: `a zip bomb (${b.label}) sent as ${contentType}`,
    });
  const bombArb = (...ways: ((b: ReturnType<typeof theBombs>[number]) => Upload)[]) =>
    fc.tuple(fc.nat(), fc.constantFrom(...ways)).map(([i, way]) => way(theBombs()[i % theBombs().length]));
  switch (route.path) {
    case '/api/v1/carrier-volumes/import':
      return fc.oneof(
        { weight: 4, arbitrary: bombArb(asJson('xlsx'), asBody(XLSX), asBody('text/csv')) },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(XLSX, 'text/csv')
            .map((type) => ({ kind: `a ${type} body past 2 MB`, payload: Buffer.alloc(BODY_LIMIT + 1, 'a'), contentType: type, refusal: 'body too large' })),
        },
      );
    case '/api/v1/villages/import':
    case '/api/v1/service-points/import':
      return bombArb(asJson('xlsx'));
    case '/api/v1/pickups/import':
      return fc.oneof(
        { weight: 4, arbitrary: bombArb(asBody('text/csv')) },
        {
          weight: 1,
          arbitrary: fc
            .constant(null)
            .map(() => ({ kind: 'a CSV body past 50 MB', payload: pickupFileTooLarge(), contentType: 'text/csv', refusal: 'body too large' })),
        },
      );
    default:
      return null;
  }
}
