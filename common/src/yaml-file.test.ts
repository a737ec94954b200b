import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadYamlFile } from './yaml-file.js';

const schema = z.object({ services: z.record(z.string(), z.object({ replicas: z.number().int().min(0) })) });

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'meshlab-yaml-')), 'deployment.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadYamlFile', () => {
  it('returns the validated content', () => {
    expect(loadYamlFile(schema, file('services:\n  catalog:\n    replicas: 2\n'))).toEqual({
      services: { catalog: { replicas: 2 } },
    });
  });

  it('names the file and the path inside it when a value is wrong', () => {
    const path = file('services:\n  catalog:\n    replicas: two\n');
    expect(() => loadYamlFile(schema, path)).toThrow(`invalid ${path}: services.catalog.replicas:`);
    expect(() => loadYamlFile(schema, path)).toThrow(/got "two"/);
  });

  it('names the file when it is missing', () => {
    expect(() => loadYamlFile(schema, '/nonexistent/deployment.yaml')).toThrow(
      'invalid /nonexistent/deployment.yaml: file not found',
    );
  });

  it('names the file and the line when it is not YAML', () => {
    const path = file('services:\n  catalog: [\n');
    expect(() => loadYamlFile(schema, path)).toThrow(new RegExp(`invalid ${path}: not valid YAML: .*line`));
  });
});
