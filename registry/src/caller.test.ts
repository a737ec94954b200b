import { describe, expect, it } from 'vitest';
import { identifyCaller, normaliseAddress, sameHost } from './caller.js';

const tokens = { admin: 'admin-secret', registry: 'registry-secret' };

describe('caller identity', () => {
  it.each([
    ['::ffff:172.18.0.5', '172.18.0.5'],
    ['[::1]', '127.0.0.1'],
    ['::1', '127.0.0.1'],
    ['FE80:0:0:0:0:0:0:1', 'fe80::1'],
    ['10.0.0.7', '10.0.0.7'],
  ])('normalises the address %s to %s', (given, expected) => {
    expect(normaliseAddress(given)).toBe(expected);
  });

  it('treats an IPv4-mapped IPv6 peer as the IPv4 host, and other loopback addresses as other hosts', () => {
    expect(sameHost('::ffff:10.0.0.7', '10.0.0.7')).toBe(true);
    expect(sameHost('::ffff:7f00:1', '127.0.0.1')).toBe(true);
    expect(sameHost('127.0.0.2', '127.0.0.1')).toBe(false);
  });

  it('identifies the admin token, the registry token, and refuses neither when REGISTRY_TOKEN is set', () => {
    expect(identifyCaller('W', 'Bearer admin-secret', '::ffff:10.0.0.1', tokens)).toEqual({
      credential: 'admin',
      address: '10.0.0.1',
      owner: 'admin',
    });
    expect(identifyCaller('W', 'Bearer registry-secret', '10.0.0.1', tokens)).toMatchObject({
      credential: 'registry',
      owner: 'host:10.0.0.1',
    });
    expect(() => identifyCaller('PUT /x', 'Bearer nope', '10.0.0.1', tokens)).toThrow(
      /PUT \/x: missing or wrong registry token/,
    );
  });

  it('lets anyone write as their own host when no REGISTRY_TOKEN is configured', () => {
    expect(identifyCaller('W', undefined, '10.0.0.3', { admin: 'a', registry: undefined })).toEqual({
      credential: 'open',
      address: '10.0.0.3',
      owner: 'host:10.0.0.3',
    });
  });
});
