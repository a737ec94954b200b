import { readFileSync } from 'node:fs';
import { load, YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { ConfigError, describeIssues } from './config.js';

/** Reads a YAML file and validates it; errors name the file, the path inside it and what was expected. */
export function loadYamlFile<S extends z.ZodType>(schema: S, file: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError(file, [reason]);
  }
  return parseYaml(schema, text, file);
}

export function parseYaml<S extends z.ZodType>(schema: S, text: string, source: string): z.infer<S> {
  let data: unknown;
  try {
    data = load(text);
  } catch (error) {
    const reason =
      error instanceof YAMLException
        ? `${error.reason}${error.mark ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}` : ''}`
        : String(error);
    throw new ConfigError(source, [`not valid YAML: ${reason}`]);
  }
  const result = schema.safeParse(data ?? {});
  if (!result.success) throw new ConfigError(source, describeIssues(result.error, data));
  return result.data;
}
