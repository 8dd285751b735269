export * from './common.ts';
export * from './reference.ts';
export * from './organizations.ts';
export * from './projects.ts';
export * from './ledger.ts';
export * from './accounts.ts';
export * from './live.ts';
export * from './briefings.ts';
