import { spawn } from 'node:child_process';
import { isExecutable, onPath } from './temporal-dev-server';

/** Names Chromium goes by on PATH: Debian's package, other distributions' packages, Google's build. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const DEBIAN_PACKAGE = 'chromium';

const HOW_TO_INSTALL =
  'Install it (Debian/Ubuntu: `sudo apt-get install chromium`; elsewhere any Chromium or Chrome build) ' +
  'and put it on PATH, or set CHROMIUM_PATH to its executable.';

async function firstOnPath(): Promise<string | undefined> {
  for (const name of NAMES) {
    const found = await onPath(name);
    if (found) return found;
  }
  return undefined;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

/**
 * The headless browser the browser tests drive, found the way the Temporal CLI is: $CHROMIUM_PATH, then PATH, then
 * Debian's `chromium` package through apt-get when apt is there and we are root (CI machines and containers), else
 * an error that says how to install one. Nothing is downloaded from anywhere but the distribution's own mirrors.
 */
export async function findOrInstallChromium(log: (msg: string) => void = () => undefined): Promise<string> {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (await isExecutable(fromEnv)) return fromEnv;
    throw new Error(`CHROMIUM_PATH=${fromEnv} is not an executable file. ${HOW_TO_INSTALL}`);
  }
  const found = await firstOnPath();
  if (found) return found;

  const aptGet = await onPath('apt-get');
  const root = process.getuid?.() === 0;
  if (!aptGet || !root) {
    throw new Error(
      `No Chromium found (looked at $CHROMIUM_PATH and PATH for ${NAMES.join(', ')}); ` +
        `${aptGet ? 'apt-get needs root to install it' : 'no apt-get to install it with'}. ${HOW_TO_INSTALL}`,
    );
  }
  log(`installing Debian's ${DEBIAN_PACKAGE} package with apt-get (once, about a minute)`);
  await run(aptGet, ['update', '-qq']);
  await run(aptGet, ['install', '-y', '-qq', DEBIAN_PACKAGE]);
  const installed = await firstOnPath();
  if (!installed) throw new Error(`apt-get installed ${DEBIAN_PACKAGE} but no Chromium is on PATH. ${HOW_TO_INSTALL}`);
  return installed;
}
