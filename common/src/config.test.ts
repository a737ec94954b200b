import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseEnvSchema, ConfigError, envSchema, loadConfig, describeValue } from './config.js';

const schema = z.object({
  PORT: envSchema.port(5000),
  ERR_RATE: envSchema.number(0, 0, 1),
  REGISTRY_URL: envSchema.url(),
  DRY_RUN: envSchema.bool(false),
});

describe('loadConfig', () => {
  it('applies defaults when keys are missing or empty', () => {
    const config = loadConfig(schema, { ERR_RATE: '' });
    expect(config).toEqual({ PORT: 5000, ERR_RATE: 0, REGISTRY_URL: undefined, DRY_RUN: false });
  });

  it('coerces strings to typed values', () => {
    const config = loadConfig(schema, {
      PORT: '0',
      ERR_RATE: '0.25',
      REGISTRY_URL: 'http://r:8081',
      DRY_RUN: 'true',
    });
    expect(config).toEqual({ PORT: 0, ERR_RATE: 0.25, REGISTRY_URL: 'http://r:8081', DRY_RUN: true });
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig(schema, {}))).toBe(true);
  });

  it('throws one error naming every bad key and what was expected', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'abc', ERR_RATE: '1.5', REGISTRY_URL: 'ftp://x', DRY_RUN: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(message).toContain('PORT: expected a port number in 0..65535, got "abc"');
    expect(message).toContain('ERR_RATE: expected a number in [0, 1], got "1.5"');
    expect(message).toContain('REGISTRY_URL: expected an http(s) URL');
    expect(message).toContain('DRY_RUN: expected true or false, got "maybe"');
    expect(message).not.toContain('\n');
  });

  it('rejects a port out of range', () => {
    expect(() => loadConfig(schema, { PORT: '70000' })).toThrow(/PORT: expected a port number/);
  });
});

describe('envSchema.url', () => {
  it('is a string when it has a fallback, and optional without one', () => {
    const config = loadConfig(z.object({ A: envSchema.url('http://a:1'), B: envSchema.url() }), {});
    const a: string = config.A;
    expect(a).toBe('http://a:1');
    expect(config.B).toBeUndefined();
  });
});

describe('envSchema.port', () => {
  it('is optional without a fallback, for a schema that derives its default', () => {
    const config = loadConfig(z.object({ A: envSchema.port(), B: envSchema.port(7) }), { A: '' });
    expect(config).toEqual({ A: undefined, B: 7 });
    expect(() => loadConfig(z.object({ A: envSchema.port() }), { A: '-1' })).toThrow(
      'A: expected a port number in 0..65535, got "-1"',
    );
  });
});

describe('baseEnvSchema', () => {
  it('leaves REGISTRY_URL unset by default, so a service registers only when given one', () => {
    const config = loadConfig(baseEnvSchema, {});
    expect(config.REGISTRY_URL).toBeUndefined();
    expect(config).toMatchObject({ LOG_LEVEL: 'info', HEARTBEAT_MS: 5000 });
  });

  it('is extended by a service with its own port and keys', () => {
    const schema = baseEnvSchema.extend({ PORT: envSchema.port(5000), RPS: envSchema.int(1) });
    expect(loadConfig(schema, { RPS: '3' })).toMatchObject({ PORT: 5000, RPS: 3 });
  });
});

describe('describeValue', () => {
  it('shows a shallow value as JSON', () => {
    expect(describeValue([[4]])).toBe('[[4]]');
    expect(describeValue('1e1')).toBe('"1e1"');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(undefined)).toBe('nothing');
  });

  it('describes a value nested 40,000 deep without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40_000; i++) deep = [deep];
    expect(describeValue(deep)).toBe('[[[...]]]');
  });

  it('shows at most five items and 60 characters', () => {
    expect(describeValue([1, 2, 3, 4, 5, 6, 7])).toBe('[1,2,3,4,5,...]');
    expect(describeValue('x'.repeat(1000))).toHaveLength(60);
  });
});
