import { z } from 'zod';
import { Code, Instant, Text, Uuid, items } from './common.ts';

export const Role = z.enum(['admin', 'official', 'cooperative', 'carrier']);
export type Role = z.infer<typeof Role>;

export const PASSWORD_MIN_LENGTH = 12;
export const Password = z
  .string('must be a string')
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256, 'must be at most 256 characters');

export const Username = z
  .string('must be a string')
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,39}$/, 'must be 3–40 letters, digits, dots, dashes or underscores');

export const LoginInput = z.strictObject({
  username: z.string('must be a string').trim().toLowerCase().min(1, 'must not be empty').max(100),
  password: z.string('must be a string').min(1, 'must not be empty').max(256),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const MeView = z.object({
  id: z.string(),
  kind: z.enum(['user', 'token']),
  username: z.string().nullable(),
  displayName: z.string(),
  role: Role,
  cooperativeId: z.string().nullable(),
  carrierCode: z.string().nullable(),
  /** Send back as the `x-csrf-token` header on writes made with the session cookie. */
  csrfToken: z.string().nullable(),
});
export type MeView = z.infer<typeof MeView>;

/** The organisation an account acts for: a cooperative's id, or a carrier's code. */
const organizationRule = <T extends { role: Role; organization?: string }>(v: T, ctx: z.RefinementCtx) => {
  if (v.role === 'cooperative' && !Uuid.safeParse(v.organization).success)
    ctx.addIssue({ code: 'custom', path: ['organization'], message: 'a cooperative account needs the id of its cooperative' });
  if (v.role === 'carrier' && !Code.safeParse(v.organization).success)
    ctx.addIssue({ code: 'custom', path: ['organization'], message: 'a carrier account needs its carrier code' });
  if ((v.role === 'admin' || v.role === 'official') && v.organization !== undefined)
    ctx.addIssue({ code: 'custom', path: ['organization'], message: 'admins and officials act for the county: leave organization out' });
};

export const UserInput = z
  .strictObject({
    id: Uuid.optional(),
    username: Username,
    displayName: Text(100),
    password: Password,
    role: Role,
    organization: z.string().max(64).optional(),
  })
  .superRefine(organizationRule);
export type UserInput = z.infer<typeof UserInput>;

export const UserView = z.object({
  id: Uuid,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  cooperativeId: z.string().nullable(),
  carrierCode: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof UserView>;
export const UserList = items(UserView);

export const PasswordResetInput = z.strictObject({ password: Password });

export const TokenInput = z
  .strictObject({
    name: Text(100),
    role: Role,
    organization: z.string().max(64).optional(),
  })
  .superRefine(organizationRule);
export type TokenInput = z.infer<typeof TokenInput>;

export const TokenView = z.object({
  id: Uuid,
  name: z.string(),
  role: Role,
  cooperativeId: z.string().nullable(),
  carrierCode: z.string().nullable(),
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  revoked: z.boolean(),
  lastUsedAt: z.string().nullable(),
  lastUsedIp: z.string().nullable(),
});
export type TokenView = z.infer<typeof TokenView>;
export const TokenList = items(TokenView);
export const TokenCreated = TokenView.extend({ token: z.string().describe('shown once; store it now') });

export const AuditQuery = z.object({
  actor: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  role: z.string().nullable(),
  userId: z.string().nullable(),
  tokenId: z.string().nullable(),
  sessionId: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  details: z.unknown().nullable(),
});
export const AuditList = items(AuditEntry);
