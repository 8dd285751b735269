// Request bodies are written as text, so the fuzzer can send what JSON.stringify never produces:
// out-of-range number tokens, duplicate keys, `__proto__` as an own key, 10,000 levels of nesting.

/** A JSON token written verbatim (e.g. `1e999`, `-0`, `9007199254740993`, a deep `[[[…]]]`). */
export class RawJson {
  constructor(
    readonly text: string,
    /** How it reads in a failure message (the text may be megabytes long). */
    readonly label = text.length > 60 ? `${text.slice(0, 30)}…(${text.length} chars)` : text,
  ) {}
}

/** An object written key by key, in order: keys may repeat, and `__proto__` stays an ordinary key. */
export class JsonEntries {
  constructor(readonly entries: readonly (readonly [string, unknown])[]) {}
}

export const raw = (text: string, label?: string) => new RawJson(text, label);

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof JsonEntries) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') return toJsonText(new JsonEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
  // Strings: JSON.stringify escapes lone surrogates as \udxxx, so they travel as the escape.
  return JSON.stringify(value) ?? 'null';
}

/** A short, readable rendering for failure messages. */
export function describeValue(value: unknown, max = 160): string {
  const text =
    value instanceof RawJson
      ? value.label
      : value instanceof JsonEntries
        ? `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${describeValue(v, 40)}`).join(',')}}`
        : Array.isArray(value) && value.length > 8
          ? `[${value
              .slice(0, 3)
              .map((v) => describeValue(v, 40))
              .join(',')},…(${value.length} items)]`
          : typeof value === 'string' && value.length > 60
            ? `${JSON.stringify(value.slice(0, 30))}…(${value.length} chars)`
            : safeStringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) => (v instanceof RawJson ? v.label : v instanceof JsonEntries ? Object.fromEntries(v.entries) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Returns a copy of `value` with the node at `path` replaced (or removed, for `undefined`). */
export function setAt(value: unknown, path: readonly (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[head as number] = setAt(copy[head as number], rest, replacement);
    return copy;
  }
  const obj = { ...(value as Record<string, unknown>) };
  const next = setAt(obj[head as string], rest, replacement);
  if (next === undefined) delete obj[head as string];
  else obj[head as string] = next;
  return obj;
}
