import reference from './yiyuan-reference.json' with { type: 'json' };

// A copy of ../shared/data/yiyuan-reference.json lives beside this file: the app
// must not read outside its own tree at run time.
export const referenceData = reference;

export type SeasonWindow = { from: string; to: string };

/** A product's shipping season as MM-DD bounds, from the first and last shares of its season shape. */
export function seasonWindow(productCode: string): SeasonWindow {
  const shapes = (reference.seasonShapes as Record<string, unknown>)[productCode];
  if (!Array.isArray(shapes) || shapes.length === 0) throw new Error(`no season shape for ${productCode}`);
  return { from: shapes[0].from as string, to: shapes[shapes.length - 1].to as string };
}
