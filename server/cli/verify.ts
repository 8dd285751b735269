import { loadConfig } from '../config.ts';
import { verifyTallies } from '../domain/verify/verify-tallies.ts';
import { dbOptions, openDatabase } from '../startup.ts';

// Recomputes every tally from the ledger; exits 1 on any difference so scripts and CI can rely on it.
const config = loadConfig();
const { handle, systemCtx } = await openDatabase(dbOptions(config), undefined, { seasons: false });
let exitCode = 1;
try {
  const report = await verifyTallies({ ctx: systemCtx });
  const { cells, rollups, stock } = report.checked;
  console.log(`verify: checked ${cells} volume cells, ${rollups} project rollup rows, ${stock} stock rows (${handle.kind})`);
  if (report.ok) {
    console.log('verify: OK — every tally equals what the ledger sums to');
    exitCode = 0;
  } else {
    console.error(`verify: ${report.differenceCount} difference(s) between tallies and ledger:`);
    for (const d of report.differences) console.error(`  ${d.tally} ${d.key}: expected ${d.expected}, found ${d.actual}`);
  }
} finally {
  await handle.close();
}
process.exit(exitCode);
