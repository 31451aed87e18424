/**
 * Replays every recorded history in test/fixtures/histories against the current workflow code (bundled fresh, or the
 * bundle given as argv[2]) and prints one line per history; exits 1 if any would no longer replay. Run by
 * test/integration/replay.test.ts in its own Node process (protobufjs' reflection does not survive jest's module
 * registry).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowInterceptorModules } from '../workers/interceptors';

async function main(): Promise<void> {
  const dir = path.resolve(__dirname, '../test/fixtures/histories');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const bundle = process.argv[2];
  const source = bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('../workflows'), interceptors: { workflowModules: workflowInterceptorModules } };
  let failed = 0;
  for (const file of files) {
    try {
      await Worker.runReplayHistory({ ...source, replayName: file }, JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      console.log(`ok ${file}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${file}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  console.log(`${files.length - failed} replayed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
