import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

/**
 * Compiles the CLI again (about two seconds: tsc without type checking) so the suites that spawn bin/oof.js test
 * the sources as they are now, not the build/ that `npm ci` left behind before an edit.
 */
export async function buildCli(log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await execFileP(process.execPath, [path.resolve(__dirname, '../../scripts/build-cli.js')]);
  log(`CLI compiled to build/ in ${Date.now() - started} ms`);
}
