import { findOrInstallChromium } from '../../lib/chromium';
import { findOrBuildVersitygw } from '../../lib/s3-dev-server';
import { findOrBuildTemporalCli } from '../../lib/temporal-dev-server';
import { findOrBuildTemporalServer, findOrBuildTemporalSqlTool } from '../../lib/temporal-server';

export interface TestTools { temporalCli: string; versitygw: string; chromium: string; temporalServer: string; temporalSqlTool: string }

/**
 * Everything outside npm the suites run, found or set up by `npm test` itself so a fresh clone needs no other step:
 * the Temporal CLI, versitygw, and the real Temporal server with its SQL schema tool for the fault suite (built with
 * Go into ~/.cache/oof/bin when missing: here, not inside a suite's hook, whose timeout a first build on a bare
 * machine overran) and Chromium (Debian's package when missing, apt and root permitting). Chromium installs while Go builds: one waits on the network, the other on
 * the CPU. The Go builds run one after the other so two cores are not split four ways.
 */
export async function findTestTools(log: (msg: string) => void): Promise<TestTools> {
  const chromium = findOrInstallChromium(log);
  chromium.catch(() => undefined); // awaited below; keeps an early failure from surfacing as unhandled
  const temporalCli = await findOrBuildTemporalCli(log);
  const versitygw = await findOrBuildVersitygw(log);
  const temporalServer = await findOrBuildTemporalServer(log);
  const temporalSqlTool = await findOrBuildTemporalSqlTool(log);
  return { temporalCli, versitygw, temporalServer, temporalSqlTool, chromium: await chromium };
}
