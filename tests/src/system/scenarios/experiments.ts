import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  composeDocker,
  fetchHttp,
  formatReport,
  listExperiments,
  loadDashboards,
  loadExperiment,
  runExperiment,
  systemClock,
} from '@meshlab/lab';
import { stack } from '../http.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const dashboards = Object.fromEntries(
  loadDashboards(`${root}grafana/dashboards`).map((d) => [d.title, d.uid]),
);

/** The files of experiments/, run as `npm run lab -- run --all` runs them: one definition for docs, CLI and CI. */
export function experimentsScenario() {
  describe('experiments (experiments/*.yaml)', () => {
    for (const { name, file } of listExperiments(`${root}experiments`)) {
      const experiment = loadExperiment(file);
      it(`${name}: ${experiment.title}`, async () => {
        const info = stack();
        const report = await runExperiment(
          experiment,
          {
            clock: systemClock,
            http: fetchHttp,
            docker: composeDocker(info.project),
            urls: {
              gateway: info.gateway,
              registry: info.registry,
              controller: info.controller,
              prometheus: info.prometheus,
              serviceA: info.serviceA,
              grafana: 'http://localhost:3000',
            },
            adminToken: info.adminToken,
          },
          { name, dashboards },
        );
        console.log(formatReport(report));
        expect(report.failures).toEqual([]);
        expect(report.status).toBe('passed');
      });
    }
  });
}
