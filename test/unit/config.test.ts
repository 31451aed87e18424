import { ConfigError, loadConfig } from '../../lib/config';

describe('configuration', () => {
  it('has working embedded defaults', () => {
    const c = loadConfig({});
    expect(c.ENVIRONMENT).toBe('development');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.allowAnonymous).toBe(true);
    expect(c.appSecretGenerated).toBe(true);
    expect(c.appSecret).toHaveLength(64);
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ APP_SECRET: 'short' })).toThrow(/APP_SECRET: must be at least 32 characters/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres:\/\/ URL/);
    expect(() => loadConfig({ JUPITER_BASE_URL: 'not a url' })).toThrow(/JUPITER_BASE_URL/);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ ENVIRONMENT: 'production' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems.join('\n');
      expect(problems).toMatch(/APP_SECRET/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/HELIUS_WEBHOOK_AUTH/);
      expect(problems).toMatch(/ALERTS_ENCRYPTION_KEY/);
    }
  });

  it('refuses anonymous access and half an R2 configuration', () => {
    const prod = { ENVIRONMENT: 'production', APP_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/oof', HELIUS_WEBHOOK_AUTH: 'Bearer s3cret-s3cret', ALERTS_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(loadConfig(prod).allowAnonymous).toBe(false);
    expect(() => loadConfig({ ...prod, AUTH_ALLOW_ANONYMOUS: 'true' })).toThrow(/AUTH_ALLOW_ANONYMOUS/);
    expect(() => loadConfig({ R2_ENDPOINT: 'https://acc.r2.cloudflarestorage.com' })).toThrow(/must be set together/);
  });

  it('splits lists', () => {
    const c = loadConfig({ CORS_ORIGINS: 'http://a.test, http://b.test', DYNAMIC_ISSUERS: 'app.dynamicauth.com/e,app.dynamic.xyz/e' });
    expect(c.corsOrigins).toEqual(['http://a.test', 'http://b.test']);
    expect(c.dynamicIssuers).toEqual(['app.dynamicauth.com/e', 'app.dynamic.xyz/e']);
  });

  it('listens on loopback outside production unless HOST says otherwise', () => {
    const prod = { ENVIRONMENT: 'production', APP_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/oof', HELIUS_WEBHOOK_AUTH: 'Bearer s3cret-s3cret', ALERTS_ENCRYPTION_KEY: 'ab'.repeat(32) };
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ ENVIRONMENT: 'staging' }).host).toBe('127.0.0.1');
    expect(loadConfig(prod).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ ...prod, HOST: '10.0.0.5' }).host).toBe('10.0.0.5');
    expect(() => loadConfig({ HOST: 'a b' })).toThrow(/HOST/);
  });
});
