import { spawn } from 'node:child_process';
import path from 'node:path';

/** bin/oof.js, the command as users run it (the suites' global setup compiles it first). */
export const OOF_BIN = path.resolve(__dirname, '../../bin/oof.js');

export interface OofRun { code: number | null; stdout: string; stderr: string }

/** Runs `oof ...args` as its own process, `stdin` (none: empty) on its standard input; resolves when it exits. */
export function runOof(args: string[], stdin = ''): Promise<OofRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OOF_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
