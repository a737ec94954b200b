import { describe, expect, it } from 'vitest';
import { http, stack } from '../http.js';

export function routingScenario() {
  describe('1. routing', () => {
    it('routes /catalog/products to the catalog service', async () => {
      const { status, body } = await http<{ products: unknown[] }>(
        'GET',
        `${stack().gateway}/catalog/products`,
      );
      expect(status).toBe(200);
      expect(body.products.length).toBeGreaterThan(0);
    });

    it('routes /cart/... to the cart service', async () => {
      const { status, body } = await http<{ userId: string; items: unknown[] }>(
        'GET',
        `${stack().gateway}/cart/routing-user`,
      );
      expect(status).toBe(200);
      expect(body).toMatchObject({ userId: 'routing-user', items: [] });
    });

    it('routes /order/... to the order service', async () => {
      const { status } = await http('GET', `${stack().gateway}/order/user/routing-user`);
      expect(status).toBe(200);
    });

    it('routes /service-b/work to /work on a service-b replica, prefix stripped', async () => {
      const response = await http<{ result: string }>('GET', `${stack().gateway}/service-b/work`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ result: 'ok' });
      expect(response.headers.get('x-replica-id')).toBeTruthy();
      expect(Number(response.headers.get('x-mesh-attempts'))).toBeGreaterThanOrEqual(1);
      expect(response.headers.get('x-response-time')).toBeTruthy();
    });

    it('keeps a client X-Request-ID and generates one otherwise', async () => {
      const kept = await http('GET', `${stack().gateway}/service-b/work`, {
        headers: { 'x-request-id': 'trace-42' },
      });
      expect(kept.headers.get('x-request-id')).toBe('trace-42');
      const generated = await http('GET', `${stack().gateway}/service-b/work`);
      expect(generated.headers.get('x-request-id')).toMatch(/.{8,}/);
    });

    it('answers an unknown prefix with 404 JSON naming the known prefixes', async () => {
      const { status, body } = await http<{ error: string; message: string }>(
        'GET',
        `${stack().gateway}/nowhere/x`,
      );
      expect(status).toBe(404);
      expect(body.error).toBe('no_route');
      for (const prefix of ['/catalog', '/cart', '/order', '/service-b'])
        expect(body.message).toContain(prefix);
    });
  });
}
