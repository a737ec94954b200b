import express from 'express';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { RegistryClient } from './registry-client.js';
import { listen } from './server.js';

/** A tiny in-memory registry speaking the registry's protocol, to test the client against real HTTP. */
function fakeRegistry() {
  const instances = new Map<string, unknown>();
  const calls: string[] = [];
  const authorizations: (string | undefined)[] = [];
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    authorizations.push(req.get('authorization'));
    next();
  });
  app.post('/services/register', (req, res) => {
    calls.push('register');
    if (app.get('refuseRegister')) return void res.status(401).json({ error: 'unauthorized' });
    const body = req.body as { name: string; id: string };
    instances.set(`${body.name}/${body.id}`, body);
    res.status(201).json(req.body);
  });
  app.put('/services/:name/:id/heartbeat', (req, res) => {
    calls.push('heartbeat');
    if (app.get('refuse')) return void res.status(403).json({ error: 'not_owner' });
    res.sendStatus(instances.has(`${req.params.name}/${req.params.id}`) ? 200 : 404);
  });
  app.delete('/services/:name/:id', (req, res) => {
    calls.push('deregister');
    instances.delete(`${req.params.name}/${req.params.id}`);
    res.sendStatus(204);
  });
  return { app, instances, calls, authorizations };
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

const registration = { name: 'service-b', id: 'b-1', url: 'http://10.0.0.5:5000', healthPath: '/healthz' };

async function setup(token?: string) {
  const registry = fakeRegistry();
  const { server, url } = await listen(registry.app, 0, '127.0.0.1');
  servers.push(server);
  const client = new RegistryClient({
    registryUrl: url,
    registration,
    token,
    logger: silentLogger(),
    heartbeatMs: 60_000,
  });
  return { registry, client, url };
}

describe('RegistryClient', () => {
  it('sends the registry token as a Bearer credential on register, heartbeat and deregister', async () => {
    const { registry, client } = await setup('instances-token');
    await client.start();
    await client.tick();
    await client.stop();
    expect(registry.calls).toEqual(['register', 'heartbeat', 'deregister']);
    expect(registry.authorizations).toEqual(Array(3).fill('Bearer instances-token'));
  });

  it('sends no Authorization header without a token', async () => {
    const { registry, client } = await setup();
    await client.start();
    expect(registry.authorizations).toEqual([undefined]);
    await client.stop();
  });

  it('registers on start', async () => {
    const { registry, client } = await setup();
    await client.start();
    expect(client.state).toBe('registered');
    expect(registry.instances.get('service-b/b-1')).toEqual(registration);
    await client.stop();
  });

  it('heartbeats while registered', async () => {
    const { registry, client } = await setup();
    await client.start();
    await client.tick();
    expect(registry.calls).toEqual(['register', 'heartbeat']);
    await client.stop();
  });

  it('registers again when the heartbeat answers 404 (a restarted registry)', async () => {
    const { registry, client } = await setup();
    await client.start();
    registry.instances.clear();
    await client.tick();
    expect(registry.calls).toEqual(['register', 'heartbeat', 'register']);
    expect(registry.instances.has('service-b/b-1')).toBe(true);
    await client.stop();
  });

  it('registers again when a heartbeat is refused as not its own (403)', async () => {
    const { registry, client } = await setup();
    await client.start();
    registry.instances.clear();
    registry.app.set('refuse', true);
    await client.tick();
    expect(registry.calls).toEqual(['register', 'heartbeat', 'register']);
    expect(client.state).toBe('registered');
    await client.stop();
  });

  it('resolves registered once the registry accepted the registration', async () => {
    const { registry, client } = await setup();
    await client.start();
    await expect(client.registered).resolves.toBeUndefined();
    expect(registry.calls).toEqual(['register']);
    await client.stop();
  });

  it('keeps registered pending while the registry refuses, and resolves it on the first yes', async () => {
    const { registry, client } = await setup();
    registry.app.set('refuseRegister', true);
    let accepted = false;
    void client.registered.then(() => (accepted = true));
    await client.start();
    await client.tick();
    expect(accepted).toBe(false);
    registry.app.set('refuseRegister', false);
    await client.tick();
    await expect(client.registered).resolves.toBeUndefined();
    expect(registry.calls).toEqual(['register', 'register', 'register']);
    await client.stop();
  });

  it('deregisters on stop', async () => {
    const { registry, client } = await setup();
    await client.start();
    await client.stop();
    expect(registry.instances.size).toBe(0);
    expect(client.state).toBe('stopped');
  });

  it('keeps trying without throwing while the registry is unreachable', async () => {
    const client = new RegistryClient({
      registryUrl: 'http://127.0.0.1:1',
      registration,
      logger: silentLogger(),
      heartbeatMs: 60_000,
    });
    await expect(client.start()).resolves.toBeUndefined();
    expect(client.state).toBe('unregistered');
    await client.stop();
  });
});
