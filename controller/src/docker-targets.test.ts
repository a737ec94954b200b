import { describe, expect, it } from 'vitest';
import { explainSocketError, DockerodeTargets } from './docker-targets.js';

// The real-Docker tests are in docker-targets.integration.test.ts (npm run test:integration).
describe('DockerodeTargets without a Docker engine', () => {
  it('explains a permission error on the socket with the DOCKER_GID fix', () => {
    const denied = Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' });
    expect(String(explainSocketError(denied, '/var/run/docker.sock'))).toMatch(
      /no permission on the Docker socket \/var\/run\/docker.sock: .*DOCKER_GID/,
    );
    const other = new Error('boom');
    expect(explainSocketError(other, '/x')).toBe(other);
  });

  it('fails when the Docker socket is missing', async () => {
    await expect(new DockerodeTargets({ socketPath: '/nonexistent/docker.sock' }).list()).rejects.toThrow(
      /ENOENT/,
    );
  });
});
