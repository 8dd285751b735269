import { defineConfig } from 'drizzle-kit';

// Only drizzle-kit reads this; the app applies db/migrations itself at start-up
// with the migrator of whichever driver it runs on.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './db/migrations',
});
