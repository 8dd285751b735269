import { loadConfig } from '../config.ts';
import { runCli, verifyDatabase } from './backup-tools.ts';

// Recomputes every tally from the ledger; exits 1 on any difference so scripts and CI can rely on it.
await runCli(async () => ((await verifyDatabase(loadConfig())) ? 0 : 1));
