export * from './reference.schema.ts';
export * from './organizations.schema.ts';
export * from './projects.schema.ts';
export * from './ledger.schema.ts';
export * from './tallies.schema.ts';
export * from './accounts.schema.ts';
export * from './briefings.schema.ts';
export * from './network.schema.ts';
