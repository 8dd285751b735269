import type { FastifyInstance } from 'fastify';
import type { JsonSchema } from './json-schema.ts';

export type Param = { name: string; required: boolean; schema: JsonSchema };

/** A route as the fuzzer sees it: where it is, and the schemas of what it takes. */
export type FuzzRoute = {
  method: string;
  /** Fastify's form, `/api/v1/pickups/:id`. */
  path: string;
  pathParams: Param[];
  query: Param[];
  /**
   * `schema` is what the route validates before its handler runs; `generate`, when set, a richer
   * schema to build bodies from (a batch whose items the domain judges one by one).
   */
  body?: { schema: JsonSchema; required: boolean; generate?: JsonSchema };
  /** In the OpenAPI document; the others (pages, docs assets) are fuzzed on their URL and headers only. */
  documented: boolean;
};

type Operation = {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
};
export type OpenApiDoc = { paths: Record<string, Record<string, Operation>> };

export const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const toFastifyPath = (openapiPath: string) => openapiPath.replace(/\{([^}]+)\}/g, ':$1');

/** Every operation of the OpenAPI document (which @fastify/swagger builds from the routes' zod schemas). */
export function routesFromOpenApi(doc: OpenApiDoc): FuzzRoute[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const params = op.parameters ?? [];
      const pick = (where: string): Param[] =>
        params.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required === true || where === 'path', schema: p.schema ?? {} }));
      const json = op.requestBody?.content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path: toFastifyPath(path),
        pathParams: pick('path'),
        query: pick('query'),
        body: json ? { schema: json, required: op.requestBody?.required === true } : undefined,
        documented: true,
      };
    }),
  );
}

/** Every route the app serves (method and Fastify path), read from Fastify's own route tree. */
export function servedRoutes(server: FastifyInstance): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  // The radix tree as printed: each line an edge, so a route's path is its edges joined.
  for (const line of server.printRoutes().split('\n')) {
    const m = /^((?:[│ ] {3})*)[└├]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    stack.length = m[1].length / 4;
    stack.push(m[2]);
    const path = stack.join('');
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      out.push({ method, path });
  }
  return out;
}

/**
 * The routes to fuzz: the documented ones with their schemas, then every other route the app
 * serves (except `skip`) with none. HEAD routes mirror GET and are reached by sending HEAD.
 */
export function routesToFuzz(server: FastifyInstance, doc: OpenApiDoc, skip: readonly string[]): { routes: FuzzRoute[]; served: string[] } {
  const documented = routesFromOpenApi(doc);
  const known = new Set(documented.map((r) => keyOf(r.method, r.path)));
  const served = servedRoutes(server).filter((r) => r.method !== 'HEAD');
  const others: FuzzRoute[] = served
    .filter((r) => !known.has(keyOf(r.method, r.path)) && !skip.includes(keyOf(r.method, r.path)))
    .map((r) => ({
      method: r.method,
      path: r.path,
      pathParams: [...r.path.matchAll(/:(\w+)|\*/g)].map((m) => ({ name: m[1] ?? '*', required: true, schema: {} })),
      query: [],
      documented: false,
    }));
  return { routes: [...documented, ...others], served: served.map((r) => keyOf(r.method, r.path)) };
}
