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
  return error.issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join('.'), message: i.message }));
}

/** `schema.parse` that fails with a DomainError carrying field-level issues. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw DomainError.validation(issuesFromZod(result.error));
  return result.data;
}
