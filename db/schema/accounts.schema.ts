import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { cooperatives } from './organizations.schema.ts';
import { carriers } from './reference.schema.ts';

export const ROLES = ['admin', 'official', 'cooperative', 'carrier'] as const;

// A cooperative account acts for one cooperative, a carrier account for one carrier;
// admins and officials act for the county.
const orgCheck = (t: { role: unknown; cooperativeId: unknown; carrierCode: unknown }) => sql`
  (${t.role} = 'cooperative' AND ${t.cooperativeId} IS NOT NULL AND ${t.carrierCode} IS NULL) OR
  (${t.role} = 'carrier' AND ${t.carrierCode} IS NOT NULL AND ${t.cooperativeId} IS NULL) OR
  (${t.role} IN ('admin', 'official') AND ${t.cooperativeId} IS NULL AND ${t.carrierCode} IS NULL)`;

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    // Stored lower-case: "Admin" and "admin" are one account.
    username: text('username').notNull().unique('users_username_key'),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    cooperativeId: uuid('cooperative_id').references(() => cooperatives.id),
    carrierCode: text('carrier_code').references(() => carriers.code),
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [check('users_role_org_check', orgCheck(t))],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    // SHA-256 of the cookie's secret: a leaked table does not hand out live sessions.
    secretHash: text('secret_hash').notNull().unique('sessions_secret_hash_key'),
    csrfToken: text('csrf_token').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    cooperativeId: uuid('cooperative_id').references(() => cooperatives.id),
    carrierCode: text('carrier_code').references(() => carriers.code),
    secretHash: text('secret_hash').notNull().unique('api_tokens_secret_hash_key'),
    // The first characters, to tell tokens apart in lists without revealing them.
    prefix: text('prefix').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
  },
  (t) => [check('api_tokens_role_org_check', orgCheck(t))],
);

export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    ip: text('ip').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('login_failures_username_idx').on(t.username, t.at), index('login_failures_ip_idx').on(t.ip, t.at)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    role: text('role'),
    userId: uuid('user_id'),
    tokenId: uuid('token_id'),
    sessionId: uuid('session_id'),
    ip: text('ip'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    details: jsonb('details'),
  },
  (t) => [index('audit_log_at_idx').on(t.at), index('audit_log_actor_idx').on(t.actor, t.at), index('audit_log_target_idx').on(t.targetType, t.targetId)],
);
