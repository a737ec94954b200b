import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.js';
import { deploymentSchema, loadDeploymentConfig, resolveResilience } from './deployment-config.js';
import { parseYaml } from './yaml-file.js';

const repoConfig = fileURLToPath(new URL('../../config/deployment.yaml', import.meta.url));

describe('deployment config', () => {
  it('loads the repository config/deployment.yaml with every service of the lab', () => {
    const config = loadDeploymentConfig(repoConfig);
    expect(Object.keys(config.services).sort()).toEqual(['cart', 'catalog', 'order', 'service-b']);
    expect(config.services['service-b']).toMatchObject({
      path: '/service-b',
      stripPrefix: true,
      replicas: 2,
    });
    expect(config.services.catalog).toMatchObject({ path: '/catalog', stripPrefix: false });
  });

  it('fills mesh defaults and lets a service override them', () => {
    const config = parseYaml(
      deploymentSchema,
      'services:\n  a:\n    path: /a\n    resilience:\n      retry: { maxAttempts: 5 }\nmesh:\n  retry: { baseDelayMs: 10 }\n',
      'test.yaml',
    );
    const resilience = resolveResilience(config, 'a');
    expect(resilience.retry.maxAttempts).toBe(5);
    expect(resilience.retry.baseDelayMs).toBe(10);
    expect(resilience.retry.budget.percent).toBe(20);
    expect(resilience.circuitBreaker.enabled).toBe(true);
  });

  it('rejects an unknown key, naming its path', () => {
    expect(() =>
      parseYaml(deploymentSchema, 'services:\n  a:\n    path: /a\n    replica: 2\n', 'bad.yaml'),
    ).toThrow(ConfigError);
    expect(() =>
      parseYaml(deploymentSchema, 'services:\n  a:\n    path: /a\n    replica: 2\n', 'bad.yaml'),
    ).toThrow(/bad\.yaml: services\.a: Unrecognized key/);
  });

  it('rejects a service name that is not a DNS label', () => {
    expect(() => parseYaml(deploymentSchema, 'services:\n  Bad_Name:\n    path: /a\n', 'bad.yaml')).toThrow(
      /expected a DNS label/,
    );
  });

  it('rejects an unknown load-balancing policy', () => {
    expect(() =>
      parseYaml(deploymentSchema, 'services:\n  a:\n    path: /a\n    loadBalancer: fastest\n', 'bad.yaml'),
    ).toThrow(/services\.a\.loadBalancer: .*round_robin/);
  });
});
