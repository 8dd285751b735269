import { getContext, setContext } from 'svelte';
import { en } from './en.ts';
import type { Role } from '$contracts/accounts.ts';
import type { ProjectTier } from '$contracts/projects.ts';
import * as f from './format.ts';
import { zh, type MessageKey } from './zh.ts';

export type { MessageKey } from './zh.ts';
export type Locale = f.Locale;
export const LOCALES: readonly Locale[] = ['zh', 'en'];
export const DEFAULT_LOCALE: Locale = 'zh';
/** Read by hooks.server.ts to render the page in the chosen language from the first byte. */
export const LOCALE_COOKIE = 'gy_lang';

const CATALOGS: Record<Locale, Record<string, string>> = { zh: { ...zh }, en: { ...en } };

/**
 * Adds a section's messages (messages/<section>.ts). A section's page calls it at module level, so
 * its strings travel with its own code rather than in every page's first load. Idempotent.
 */
export function addMessages<K extends string>(zhPart: Record<K, string>, enPart: Record<K, string>): void {
  Object.assign(CATALOGS.zh, zhPart);
  Object.assign(CATALOGS.en, enPart);
}

export function isLocale(value: unknown): value is Locale {
  return value === 'zh' || value === 'en';
}

/** The value for `<html lang>`. */
export const htmlLang = (locale: Locale) => (locale === 'zh' ? 'zh-CN' : 'en');

export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const message = CATALOGS[locale][key] ?? CATALOGS.zh[key] ?? key;
  return params ? message.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : message;
}

/**
 * The page's language, as runes: components read `i18n.t(…)` and the formatters, and
 * re-render when `locale` changes. One instance per page (set in the root layout), so
 * server-rendered requests never share it.
 */
export class I18n {
  locale = $state<Locale>(DEFAULT_LOCALE);

  constructor(locale: Locale) {
    this.locale = locale;
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string => translate(this.locale, key, params);
  parcels = (n: number) => f.parcels(n, this.locale);
  parcelParts = (n: number) => f.parcelParts(n, this.locale);
  parcelsCell = (n: number) => f.parcelsCell(n, this.locale);
  perDay = (n: number) => f.parcelsPerDay(n, this.locale);
  tick = (n: number) => f.parcelsTick(n, this.locale);
  percent = (p: number | null | undefined, digits = 1) => f.percent(p, digits);
  points = (diff: number) => f.points(diff, this.locale);
  tonnes = (kg: number) => f.tonnes(kg, this.locale);
  date = (iso: string, opts?: { year?: boolean }) => f.date(iso, this.locale, opts);
  dateTick = (iso: string) => f.dateTick(iso, this.locale);
  time = (instant: Date | string | number, opts?: { withDate?: boolean; seconds?: boolean }) => f.time(instant, this.locale, opts);
  fileSize = (bytes: number) => f.fileSize(bytes);
  role = (role: Role) => this.t(`role.${role}` as const);
  storageKind = (kind: string) => (kind === 'cold' || kind === 'ca' || kind === 'ambient' ? this.t(`stock.kind.${kind}` as const) : kind);
  tier = (tier: ProjectTier) => this.t(`tier.${tier}` as const);
  /** A name with an English variant, e.g. a town or carrier: the English one when reading English. */
  name = (item: { name: string; nameEn?: string | null }) => (this.locale === 'en' && item.nameEn ? item.nameEn : item.name);

  /** Switches language and remembers it (cookie for the server's next render, a year long). */
  set(locale: Locale) {
    this.locale = locale;
    if (typeof document !== 'undefined') {
      document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
      document.documentElement.lang = htmlLang(locale);
    }
  }
}

const KEY = Symbol('i18n');
export const setI18n = (i18n: I18n) => setContext(KEY, i18n);
export const getI18n = () => getContext<I18n>(KEY);
