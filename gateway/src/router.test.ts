import { describe, expect, it } from 'vitest';
import { Router } from './router.js';
import { InvalidPathError, safeRequestPath } from './path-guard.js';

const router = new Router([
  { service: 'catalog', prefix: '/catalog', stripPrefix: false },
  { service: 'service-b', prefix: '/service-b', stripPrefix: true },
  { service: 'b-admin', prefix: '/service-b/admin', stripPrefix: false },
]);

describe('Router', () => {
  it('keeps the prefix when the route does not strip it', () => {
    expect(router.match('/catalog/products', '?q=x')).toMatchObject({
      route: { service: 'catalog' },
      upstreamPath: '/catalog/products?q=x',
    });
  });

  it('strips the prefix when the route says so', () => {
    expect(router.match('/service-b/work')?.upstreamPath).toBe('/work');
    expect(router.match('/service-b')?.upstreamPath).toBe('/');
    expect(router.match('/service-b', '?a=1')?.upstreamPath).toBe('/?a=1');
  });

  it('prefers the longest matching prefix', () => {
    expect(router.match('/service-b/admin/x')?.route.service).toBe('b-admin');
    expect(router.match('/service-b/administer')?.route.service).toBe('service-b');
  });

  it('matches whole path segments only', () => {
    expect(router.match('/catalogue')).toBeUndefined();
    expect(router.match('/')).toBeUndefined();
  });

  it('lists the known prefixes', () => {
    expect(router.prefixes).toEqual(['/catalog', '/service-b', '/service-b/admin']);
  });
});

describe('safeRequestPath', () => {
  it('passes ordinary paths unchanged, query apart', () => {
    expect(safeRequestPath('/catalog/products?q=a%20b')).toEqual({
      path: '/catalog/products',
      query: '?q=a%20b',
    });
  });

  it('collapses repeated slashes', () => {
    expect(safeRequestPath('//catalog//products')).toEqual({ path: '/catalog/products', query: '' });
  });

  it.each([
    '/catalog/../registry',
    '/catalog/./x',
    '/catalog/%2e%2e/service-b/work',
    '/catalog/%2E%2e/x',
    '/catalog/.%2e',
    '/catalog/..',
    '/catalog/a%2fb',
    '/catalog/a%5c..',
    '/catalog/%00',
    '/catalog/%zz',
    'http://evil/catalog',
    '*',
  ])('refuses %s', (url) => {
    expect(() => safeRequestPath(url)).toThrow(InvalidPathError);
  });

  it('allows dots inside names and escapes of ordinary characters', () => {
    expect(safeRequestPath('/catalog/file.v1..json').path).toBe('/catalog/file.v1..json');
    expect(safeRequestPath('/catalog/caf%C3%A9').path).toBe('/catalog/caf%C3%A9');
  });
});
