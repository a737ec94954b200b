import { GenericContainer, Wait } from 'testcontainers';
import { describe, expect, it } from 'vitest';

export function nodeImageScenario() {
  describe('local Node image', () => {
    it('runs Node 24 and answers an HTTP request from a hello-world container', async () => {
      const image = process.env.NODE_IMAGE ?? 'node:24-slim';
      const server =
        "require('http').createServer((q,s)=>s.end(JSON.stringify({hello:'meshlab',node:process.version}))).listen(3000)";
      const container = await new GenericContainer(image)
        .withCommand(['node', '-e', server])
        .withUser('node')
        .withExposedPorts(3000)
        .withWaitStrategy(Wait.forListeningPorts())
        .start();
      try {
        const response = await fetch(`http://${container.getHost()}:${container.getMappedPort(3000)}/`);
        const body = (await response.json()) as { hello: string; node: string };
        expect(body.hello).toBe('meshlab');
        expect(body.node).toMatch(/^v24\./);
      } finally {
        await container.stop({ remove: true, removeVolumes: true });
      }
    });

    it('runs the test suite itself on Node 24', () => {
      expect(process.version).toMatch(/^v24\./);
    });
  });
}
