import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/load-config.js';

describe('loadConfig', () => {
  it('gives safe local defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.DATABASE_URL).toBe('postgres://127.0.0.1:5432/fairport');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.DEMO_DATA).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('names every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', PUBLIC_URL: 'not a url' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', PUBLIC_URL: 'not a url' });
    } catch (error) {
      expect((error as Error).message).toContain('PORT');
      expect((error as Error).message).toContain('PUBLIC_URL');
    }
  });

  it('refuses a production start with the default secrets, naming them', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrowError(/SESSION_SECRET and ADMIN_PASSWORD/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'a'.repeat(40) })).toThrowError(/ADMIN_PASSWORD/);
  });

  it('accepts production with secrets of its own', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'a-real-password' });
    expect(config.NODE_ENV).toBe('production');
  });

  it('parses boolean switches', () => {
    expect(loadConfig({ DEMO_DATA: 'false' }).DEMO_DATA).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrowError(/TRUST_PROXY/);
  });
});
