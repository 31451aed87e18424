import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { APP_PROCESSES, PRODUCTION_ENV } from '../../lib/stack-shape';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../lib/temporal-server';

const root = path.resolve(__dirname, '../..');
const compose = parse(readFileSync(path.join(root, 'temporal-compose.yml'), 'utf8'), { merge: true });
const ops = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** Rows of the service table in docs/operations.md: | `name` | image | port | check | role | */
const documented = [...ops.matchAll(/^\| `([a-z0-9-]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
  name: m[1]!, image: m[2]!.trim(), port: m[3]!.trim(), check: m[4]!.trim(),
}));

describe('temporal-compose.yml', () => {
  it('documents every service and defines every documented one', () => {
    expect(documented.length).toBeGreaterThanOrEqual(6);
    expect(documented.map((d) => d.name).sort()).toEqual(Object.keys(compose.services).sort());
  });

  it.each(documented.map((d) => [d.name, d]))('%s matches its documented image, port and health check', (_n, d: any) => {
    const svc = compose.services[d.name];
    if (d.image.startsWith('built from')) expect(svc.build).toBe('.');
    else expect(svc.image).toBe(d.image);
    const published = (svc.ports ?? []).map((p: string) => p.split(':')[0]);
    if (d.port === '–') expect(published).toEqual([]);
    else expect(published).toEqual([d.port]);
    if (d.check === 'one-shot') expect(svc.restart).toBe('no');
    else expect(svc.healthcheck?.test).toBeDefined();
  });

  it('points the app at the services that exist, on their ports', () => {
    for (const name of [...APP_PROCESSES.map((p) => p.name), 'migrate']) {
      const env = compose.services[name].environment;
      expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
      expect(env.DATABASE_URL).toMatch(/@postgresql:5432\/oof$/);
    }
    // The published port maps onto the port each process is told to listen on.
    for (const p of APP_PROCESSES.filter((x) => x.listen)) {
      expect([p.name, compose.services[p.name].ports]).toEqual([p.name, [`${p.listen!.port}:${compose.services[p.name].environment[p.listen!.env]}`]]);
    }
    expect(compose.services['temporal-ui'].environment.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(compose.services.temporal.environment.POSTGRES_SEEDS).toBe('postgresql');
  });

  it('gives the gateway and the worker every configuration variable of the README table', () => {
    const firstCells = [...readme.matchAll(/^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|/gm)].map((m) => m[1]!);
    const vars = firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
    expect(vars).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS', 'APP_SECRET', 'R2_BUCKET_NAME', 'CORS_ORIGINS']));
    for (const name of APP_PROCESSES.map((p) => p.name)) {
      const env = compose.services[name].environment;
      for (const v of vars) expect([name, v, v in env]).toEqual([name, v, true]);
    }
  });

  it('sets no variable the README table does not document (a removed setting does not linger)', () => {
    const firstCells = [...readme.matchAll(/^\| (`[A-Z0-9_]+`(?:, `[A-Z0-9_]+`)*) \|/gm)].map((m) => m[1]!);
    const vars = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!)));
    for (const name of APP_PROCESSES.map((p) => p.name)) {
      for (const v of Object.keys(compose.services[name].environment)) expect([name, v, vars.has(v)]).toEqual([name, v, true]);
    }
  });

  it('starts the app only after migrations and search attributes are in place', () => {
    for (const name of APP_PROCESSES.map((p) => p.name)) {
      const deps = compose.services[name].depends_on;
      expect(deps.migrate.condition).toBe('service_completed_successfully');
      expect(deps['temporal-setup'].condition).toBe('service_completed_successfully');
    }
    for (const [, svc] of Object.entries<any>(compose.services)) {
      for (const dep of Object.keys(svc.depends_on ?? {})) expect(Object.keys(compose.services)).toContain(dep);
    }
    const setup = compose.services['temporal-setup'].command.join(' ');
    for (const sa of ['Wallet --type Keyword', 'MomentKinds --type KeywordList', 'AnalysisId --type Keyword']) expect(setup).toContain(sa);
  });

  it('runs the same processes as `npm run stack`, with the same commands and production settings', () => {
    const appServices = Object.entries<any>(compose.services).filter(([, svc]) => svc.build === '.' && svc.restart !== 'no').map(([n]) => n);
    expect(appServices.sort()).toEqual(APP_PROCESSES.map((p) => p.name).sort());
    for (const p of APP_PROCESSES) {
      const svc = compose.services[p.name];
      expect([p.name, svc.command]).toEqual([p.name, ['node', '--import', 'tsx', p.entry, ...(p.args ?? [])]]);
      for (const [k, v] of Object.entries({ ...p.env })) expect([p.name, k, svc.environment[k]]).toEqual([p.name, k, v]);
      for (const [k, v] of Object.entries(PRODUCTION_ENV)) expect([p.name, k, String(svc.environment[k]).replace(/^\$\{ENVIRONMENT:-(.*)\}$/, '$1')]).toEqual([p.name, k, v]);
    }
    expect(compose.services.temporal.image).toBe(`temporalio/auto-setup:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    expect(compose.services['temporal-setup'].image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION.slice(1)}`);
    expect(compose.services['temporal-ui'].image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION.slice(1)}`);
    // Postgres for persistence and for (SQL) visibility, as the stack runs it.
    expect(compose.services.temporal.environment.DB).toBe('postgres12');
  });
});
