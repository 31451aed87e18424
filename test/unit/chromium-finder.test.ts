import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOrInstallChromium } from '../../lib/chromium';

/** An executable shell script at dir/name. */
function script(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('findOrInstallChromium: CHROMIUM_PATH, then PATH, then apt-get as root, else how to install it', () => {
  const saved = { PATH: process.env.PATH, CHROMIUM_PATH: process.env.CHROMIUM_PATH };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.CHROMIUM_PATH === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = saved.CHROMIUM_PATH;
  });
  const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'oof-chromium-'));

  it('takes CHROMIUM_PATH first, and refuses one that is not executable', async () => {
    const dir = tmp();
    const mine = script(dir, 'my-chrome', 'exit 0');
    script(dir, 'chromium', 'exit 0');
    process.env.PATH = dir;
    process.env.CHROMIUM_PATH = mine;
    await expect(findOrInstallChromium()).resolves.toBe(mine);
    process.env.CHROMIUM_PATH = path.join(dir, 'missing');
    await expect(findOrInstallChromium()).rejects.toThrow(/CHROMIUM_PATH=.*missing is not an executable file.*apt-get install chromium/);
  });

  it('finds chromium, chromium-browser or google-chrome on PATH', async () => {
    delete process.env.CHROMIUM_PATH;
    const dir = tmp();
    const chrome = script(dir, 'google-chrome', 'exit 0');
    process.env.PATH = `${tmp()}${path.delimiter}${dir}`;
    await expect(findOrInstallChromium()).resolves.toBe(chrome);
  });

  it('says how to install it when there is none and no apt-get', async () => {
    delete process.env.CHROMIUM_PATH;
    process.env.PATH = tmp();
    await expect(findOrInstallChromium()).rejects.toThrow(/No Chromium found .*no apt-get to install it with.*sudo apt-get install chromium.*CHROMIUM_PATH/);
  });

  it("installs Debian's chromium package through apt-get when it runs as root", async () => {
    delete process.env.CHROMIUM_PATH;
    // A stand-in for apt-get on PATH: records its arguments and, on install, puts a chromium where apt would.
    const bin = tmp();
    const log = path.join(bin, 'apt.log');
    const CHMOD = ['/bin/chmod', '/usr/bin/chmod'].find((p) => existsSync(p));
    script(bin, 'apt-get', `echo "$@" >> ${log}\nif [ "$1" = install ]; then printf '#!/bin/sh\\n' > ${bin}/chromium; ${CHMOD} +x ${bin}/chromium; fi`);
    process.env.PATH = bin;
    if (process.getuid?.() === 0) {
      const messages: string[] = [];
      await expect(findOrInstallChromium((m) => messages.push(m))).resolves.toBe(path.join(bin, 'chromium'));
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['update -qq', 'install -y -qq chromium']);
      expect(messages.join()).toMatch(/installing Debian's chromium package/);
    } else {
      await expect(findOrInstallChromium()).rejects.toThrow(/apt-get needs root to install it/);
    }
  });
});
