import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { findOrBuildGoTool, freePort } from './temporal-dev-server';

export const VERSITYGW_MODULE = 'github.com/versity/versitygw/cmd/versitygw@v1.8.0';

export interface S3DevServer { endpoint: string; accessKeyId: string; secretAccessKey: string; stop(): Promise<void> }

export function findOrBuildVersitygw(log?: (m: string) => void): Promise<string> {
  return findOrBuildGoTool({ name: 'versitygw', envVar: 'VERSITYGW', module: VERSITYGW_MODULE, log });
}

/**
 * A real S3-compatible server on 127.0.0.1 (Versity S3 Gateway over a directory), region `auto` like R2: the card
 * store's S3 path is tested against it, never against a mocked client.
 */
export async function startS3DevServer(dir: string): Promise<S3DevServer> {
  const bin = await findOrBuildVersitygw();
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const accessKeyId = 'oof-test-access';
  const secretAccessKey = 'oof-test-secret-0123456789';
  const child = spawn(bin, ['--port', `127.0.0.1:${port}`, '--access', accessKeyId, '--secret', secretAccessKey, '--region', 'auto', 'posix', dir], { stdio: 'ignore', detached: true });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`versitygw did not start on ${endpoint}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint, accessKeyId, secretAccessKey,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
