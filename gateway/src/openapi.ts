import { z } from 'zod';
import * as gw from './openapi/gateway-schemas.js';
import * as shop from './openapi/shop-schemas.js';

type Schema = z.ZodType;
interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Schema;
  responses: Record<string, [string, Schema?]>;
  admin?: boolean;
}

const json = (schema: Schema, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === 'path' || !(field as Schema).safeParse(undefined).success,
    description: (field as Schema).description,
    schema: json(field as Schema, 'input'),
  }));
}

const error = (text: string): [string, Schema] => [text, gw.gatewayErrorSchema];
const shopErrors = {
  '400': error('bad input, answered by the shop'),
  '503': error('circuit_open or no_healthy_upstream'),
  '504': error('upstream_timeout'),
};

const operations: Operation[] = [
  {
    method: 'get',
    path: '/mesh/status',
    tag: 'gateway',
    summary: 'Breaker state, endpoints (ejected or not), policies and discovery of every service',
    responses: { '200': ['mesh status', gw.meshStatusSchema] },
  },
  {
    method: 'post',
    path: '/mesh/reset/{service}',
    tag: 'gateway',
    summary: "Closes the service's breaker and un-ejects its endpoints",
    params: gw.resetParamsSchema,
    admin: true,
    responses: {
      '200': ['reset', gw.resetResponseSchema],
      '401': error('missing or wrong admin token'),
      '404': error('unknown service'),
    },
  },
  { method: 'get', path: '/healthz', tag: 'gateway', summary: 'Liveness', responses: { '200': ['alive'] } },
  {
    method: 'get',
    path: '/readyz',
    tag: 'gateway',
    summary: 'Readiness',
    responses: { '200': ['ready'], '503': ['not ready'] },
  },
  {
    method: 'get',
    path: '/metrics',
    tag: 'gateway',
    summary: 'Prometheus metrics (gateway_*)',
    responses: { '200': ['Prometheus text'] },
  },
  {
    method: 'get',
    path: '/catalog/products',
    tag: 'catalog',
    summary: 'All products',
    query: shop.productListQuery,
    responses: { '200': ['products', shop.anyJson], ...shopErrors },
  },
  {
    method: 'get',
    path: '/catalog/products/{id}',
    tag: 'catalog',
    summary: 'One product',
    params: shop.productIdParams,
    responses: {
      '200': ['the product', shop.anyJson],
      '404': ['unknown product', shop.anyJson],
      ...shopErrors,
    },
  },
  {
    method: 'get',
    path: '/catalog/search',
    tag: 'catalog',
    summary: 'Search products',
    query: shop.searchQuery,
    responses: { '200': ['matches', shop.anyJson], ...shopErrors },
  },
  {
    method: 'get',
    path: '/catalog/health',
    tag: 'catalog',
    summary: 'catalog health',
    responses: { '200': ['healthy'] },
  },
  {
    method: 'get',
    path: '/cart/{userId}',
    tag: 'cart',
    summary: "A user's cart",
    params: shop.userIdParams,
    responses: { '200': ['the cart', shop.anyJson], ...shopErrors },
  },
  {
    method: 'post',
    path: '/cart/{userId}/add',
    tag: 'cart',
    summary: 'Add a product (query or JSON body); POST is never retried',
    params: shop.userIdParams,
    query: shop.addToCartQuery,
    body: shop.addToCartBody,
    responses: {
      '200': ['the cart', shop.anyJson],
      '404': ['unknown product', shop.anyJson],
      '409': ['not enough stock', shop.anyJson],
      ...shopErrors,
    },
  },
  {
    method: 'delete',
    path: '/cart/{userId}/remove/{productId}',
    tag: 'cart',
    summary: 'Remove a product',
    params: shop.cartItemParams,
    responses: { '200': ['the cart', shop.anyJson], ...shopErrors },
  },
  {
    method: 'delete',
    path: '/cart/{userId}/clear',
    tag: 'cart',
    summary: 'Empty the cart',
    params: shop.userIdParams,
    responses: { '200': ['the cart', shop.anyJson], ...shopErrors },
  },
  {
    method: 'get',
    path: '/cart/health',
    tag: 'cart',
    summary: 'cart health',
    responses: { '200': ['healthy'] },
  },
  {
    method: 'post',
    path: '/order/create',
    tag: 'order',
    summary: "Order the user's cart (prices through the gateway), then clear it",
    query: shop.createOrderQuery,
    body: shop.createOrderBody,
    responses: {
      '200': ['the same order again, for a repeated Idempotency-Key', shop.anyJson],
      '201': ['the order', shop.anyJson],
      '409': ['empty cart', shop.anyJson],
      '422': ['Idempotency-Key reused for another request', shop.anyJson],
      ...shopErrors,
    },
  },
  {
    method: 'get',
    path: '/order/{orderId}',
    tag: 'order',
    summary: 'One order',
    params: shop.orderIdParams,
    responses: { '200': ['the order', shop.anyJson], '404': ['unknown order', shop.anyJson], ...shopErrors },
  },
  {
    method: 'get',
    path: '/order/user/{userId}',
    tag: 'order',
    summary: "A user's orders",
    params: shop.userIdParams,
    responses: { '200': ['orders', shop.anyJson], ...shopErrors },
  },
  {
    method: 'get',
    path: '/order/health',
    tag: 'order',
    summary: 'order health',
    responses: { '200': ['healthy'] },
  },
  {
    method: 'get',
    path: '/service-b/work',
    tag: 'service-b',
    summary: 'The faulty backend (prefix stripped: reaches /work)',
    responses: {
      '200': ['ok', shop.workResponse],
      '500': ['injected error', shop.workResponse],
      ...shopErrors,
    },
  },
];

function operation(op: Operation) {
  const responses: Record<string, unknown> = {};
  for (const [code, [description, schema]] of Object.entries(op.responses)) {
    responses[code] = schema
      ? { description, content: { 'application/json': { schema: json(schema, 'output') } } }
      : { description };
  }
  return {
    tags: [op.tag],
    summary: op.summary,
    parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
    ...(op.body
      ? {
          requestBody: {
            required: false,
            content: { 'application/json': { schema: json(op.body, 'input') } },
          },
        }
      : {}),
    ...(op.admin ? { security: [{ adminToken: [] }] } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of the gateway and the APIs behind it, from the zod schemas. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operation(op);
  return {
    openapi: '3.1.0',
    info: {
      title: 'meshlab gateway',
      version: '0.1.0',
      description:
        'The Ingress of meshlab. Every proxied response carries X-Replica-ID, X-Response-Time (ms), X-Request-ID and X-Mesh-Attempts; errors the gateway makes are JSON { error, message, service }.',
    },
    tags: ['gateway', 'catalog', 'cart', 'order', 'service-b'].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
    },
  };
}
