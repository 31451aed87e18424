import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium with everything that would reach the network switched off. test/global-setup.ts finds or
 * installs it (lib/chromium.ts) and passes its path on in CHROMIUM_PATH.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run the tests through jest (test/global-setup.ts finds Chromium)');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
