import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError, loadYamlFile } from '@meshlab/common';
import { experimentSchema, type Experiment } from './experiment-schema.js';

export interface ExperimentFile {
  /** The file name without .yaml, e.g. 04-outlier-ejection. */
  name: string;
  file: string;
}

export function listExperiments(dir: string): ExperimentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new ConfigError(dir, ['no experiments directory here']);
  }
  return names
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => ({ name: basename(n).replace(/\.ya?ml$/, ''), file: join(dir, n) }));
}

/** Reads and validates one experiment; a mistake names the file, the path inside it and what was expected. */
export const loadExperiment = (file: string): Experiment => loadYamlFile(experimentSchema, file);

/** An experiment by its full name, its name without the number, or its number ("4", "04"). */
export function findExperiment(dir: string, wanted: string): ExperimentFile {
  const all = listExperiments(dir);
  const match = all.find(
    (e) =>
      e.name === wanted ||
      e.name.replace(/^\d+-/, '') === wanted ||
      (/^\d+$/.test(wanted) && Number(e.name.split('-')[0]) === Number(wanted)),
  );
  if (!match)
    throw new ConfigError('experiment name', [
      `no experiment "${wanted}"; known: ${all.map((e) => e.name).join(', ')}`,
    ]);
  return match;
}

export interface Dashboard {
  title: string;
  uid: string;
  panels: string[];
}

/** The provisioned dashboards: title, uid and every panel title (rows included). */
export function loadDashboards(dir: string): Dashboard[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .map((n) => {
      const json = JSON.parse(readFileSync(join(dir, n), 'utf8')) as {
        title: string;
        uid: string;
        panels?: { title?: string; panels?: { title?: string }[] }[];
      };
      const panels = (json.panels ?? []).flatMap((p) => [
        p.title ?? '',
        ...(p.panels ?? []).map((q) => q.title ?? ''),
      ]);
      return { title: json.title, uid: json.uid, panels: panels.filter(Boolean) };
    });
}
