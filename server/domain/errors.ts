import type { z } from 'zod';
import type { ErrorCode, ErrorIssue } from '../contracts/common.ts';

/** The one error type of the domain; server/http/plugins/errors.ts maps codes to HTTP. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(issues: ErrorIssue[], message = 'The request has invalid fields'): DomainError {
    return new DomainError('VALIDATION', message, issues);
  }
  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', `${what} was not found`);
  }
  static conflict(message: string): DomainError {
    return new DomainError('CONFLICT', message);
  }
}

export function issuesFromZod(error: z.ZodError, prefix: (string | number)[] = []): ErrorIssue[] {
  return error.issues.flatMap((i) => {
    const at = (...more: PropertyKey[]) => [...prefix, ...i.path, ...more].map(String).join('.');
    // Zod reports unknown fields once, at the enclosing object; the client needs each field named.
    if (i.code === 'unrecognized_keys') return i.keys.map((key) => ({ path: at(key), message: UNKNOWN_FIELD }));
    return [{ path: at(), message: i.message }];
  });
}

export const UNKNOWN_FIELD = 'is not a known field';

/** `schema.parse` that fails with a DomainError carrying field-level issues. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw DomainError.validation(issuesFromZod(result.error));
  return result.data;
}
