/*
 * `npm run audit:verify [-- <chain>]`: walks every audit chain (or one: a tenant id, `_platform` for the platform's
 * own acts) against its latest signed checkpoint and names the first bad record. Exit 0 when every chain holds,
 * 1 when one does not.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config.js';
import { createDataSource } from '../../db/data-source.js';
import { verifyChains } from './audit/verify.js';
import { checkpointSetup } from './runtime.js';

if (existsSync('.env')) process.loadEnvFile('.env');

const [only] = process.argv.slice(2);
const config = loadConfig();
const { keys, sink } = checkpointSetup(config);
const dataSource = createDataSource(config);
await dataSource.initialize();
try {
  const reports = await verifyChains(dataSource, await sink.latest(), keys.publicKey, only);
  for (const report of reports) {
    const checkpoint =
      report.checkpointSequence === null ? 'no checkpoint yet' : `checkpoint at ${String(report.checkpointSequence)}`;
    if (report.firstBad === null) console.log(`ok   ${report.chain}: ${String(report.records)} records, ${checkpoint}`);
    else
      console.log(
        `BAD  ${report.chain}: record ${String(report.firstBad.sequence)}${report.firstBad.id === null ? '' : ` (${report.firstBad.id})`}: ${report.firstBad.problem}`,
      );
  }
  if (reports.length === 0) console.log('no audit records yet');
  process.exitCode = reports.every((report) => report.ok) ? 0 : 1;
} finally {
  await dataSource.destroy();
}
