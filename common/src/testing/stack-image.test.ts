import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stackImage } from './stack-image.js';

describe('stackImage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-image-'));
  const envFile = join(dir, '.env');
  writeFileSync(
    envFile,
    '# images\nNODE_IMAGE=node:24-slim\nPROMETHEUS_IMAGE="prom/prometheus:v3.5.0" # quoted\n',
  );

  it('takes the variable from the environment first', () => {
    expect(stackImage('NODE_IMAGE', { NODE_IMAGE: 'local/node:24' }, envFile)).toBe('local/node:24');
  });

  it("falls back to the stack's .env value, quoted or not", () => {
    expect(stackImage('NODE_IMAGE', {}, envFile)).toBe('node:24-slim');
    expect(stackImage('PROMETHEUS_IMAGE', {}, envFile)).toBe('prom/prometheus:v3.5.0');
  });

  it('names the variable when neither has it', () => {
    expect(() => stackImage('GRAFANA_IMAGE', {}, envFile)).toThrow(/GRAFANA_IMAGE is not set and not in/);
    expect(() => stackImage('NODE_IMAGE', {}, join(dir, 'missing'))).toThrow(/NODE_IMAGE is not set/);
  });
});
