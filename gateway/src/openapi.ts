import { z } from 'zod';
import * as gw from './openapi/gateway-schemas.js';
import * as shop from './openapi/shop-schemas.js';

type Schema = z.ZodType;
type Method = 'get' | 'post' | 'put' | 'delete';
interface Inputs {
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: Schema;
}
interface Operation extends Inputs {
  method: Method;
  path: string;
  tag: string;
  summary: string;
  /** status → description and, for a JSON answer, its schema */
  responses: Record<string, [string, Schema?]>;
  admin?: boolean;
}

const json = (schema: Schema, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
};
const jsonContent = (schema: Schema, io: 'input' | 'output') => ({
  'application/json': { schema: json(schema, io) },
});

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  return Object.entries(schema?.shape ?? {}).map(([name, field]: [string, Schema]) => ({
    name,
    in: where,
    required: where === 'path' || !field.safeParse(undefined).success,
    description: field.description,
    schema: json(field, 'input'),
  }));
}

const error = (text: string): [string, Schema] => [text, gw.gatewayErrorSchema];
const shopErrors = {
  '400': error('bad input, answered by the shop'),
  '503': error('circuit_open or no_healthy_upstream'),
  '504': error('upstream_timeout'),
};

/** An endpoint of the gateway itself. */
const gatewayRoute = (path: string, summary: string, responses: Operation['responses']): Operation => ({
  method: 'get',
  path,
  tag: 'gateway',
  summary,
  responses,
});

/** A route proxied to the shop, e.g. 'get /cart/{userId}': JSON answers by status plus the gateway's errors. */
function shopRoute(route: string, summary: string, answers: Record<string, string>, inputs: Inputs = {}) {
  const [method, path = ''] = route.split(' ') as [Method, string];
  const responses = Object.fromEntries(
    Object.entries(answers).map(([code, text]): [string, [string, Schema]] => [code, [text, shop.anyJson]]),
  );
  const tag = path.split('/')[1] ?? '';
  return { method, path, tag, summary, ...inputs, responses: { ...responses, ...shopErrors } };
}

const health = (tag: string): Operation => ({
  ...gatewayRoute(`/${tag}/health`, `${tag} health`, { '200': ['healthy'] }),
  tag,
});

const operations: Operation[] = [
  gatewayRoute(
    '/mesh/status',
    'Breaker state, endpoints (ejected or not), policies and discovery of every service',
    {
      '200': ['mesh status', gw.meshStatusSchema],
    },
  ),
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
  gatewayRoute('/healthz', 'Liveness', { '200': ['alive'] }),
  gatewayRoute('/readyz', 'Readiness', { '200': ['ready'], '503': ['not ready'] }),
  gatewayRoute('/metrics', 'Prometheus metrics (gateway_*)', { '200': ['Prometheus text'] }),
  shopRoute('get /catalog/products', 'All products', { '200': 'products' }, { query: shop.productListQuery }),
  shopRoute(
    'get /catalog/products/{id}',
    'One product',
    { '200': 'the product', '404': 'unknown product' },
    {
      params: shop.productIdParams,
    },
  ),
  shopRoute('get /catalog/search', 'Search products', { '200': 'matches' }, { query: shop.searchQuery }),
  health('catalog'),
  shopRoute('get /cart/{userId}', "A user's cart", { '200': 'the cart' }, { params: shop.userIdParams }),
  shopRoute(
    'post /cart/{userId}/add',
    'Add a product (query or JSON body); POST is never retried',
    { '200': 'the cart', '404': 'unknown product', '409': 'not enough stock' },
    { params: shop.userIdParams, query: shop.addToCartQuery, body: shop.addToCartBody },
  ),
  shopRoute(
    'delete /cart/{userId}/remove/{productId}',
    'Remove a product',
    { '200': 'the cart' },
    {
      params: shop.cartItemParams,
    },
  ),
  shopRoute(
    'delete /cart/{userId}/clear',
    'Empty the cart',
    { '200': 'the cart' },
    { params: shop.userIdParams },
  ),
  health('cart'),
  shopRoute(
    'post /order/create',
    "Order the user's cart (prices through the gateway), then clear it",
    {
      '200': 'the same order again, for a repeated Idempotency-Key',
      '201': 'the order',
      '409': 'empty cart',
      '422': 'Idempotency-Key reused for another request',
    },
    { query: shop.createOrderQuery, body: shop.createOrderBody },
  ),
  shopRoute(
    'get /order/{orderId}',
    'One order',
    { '200': 'the order', '404': 'unknown order' },
    {
      params: shop.orderIdParams,
    },
  ),
  shopRoute(
    'get /order/user/{userId}',
    "A user's orders",
    { '200': 'orders' },
    { params: shop.userIdParams },
  ),
  health('order'),
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

const operation = (op: Operation) => ({
  tags: [op.tag],
  summary: op.summary,
  parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
  ...(op.body && { requestBody: { required: false, content: jsonContent(op.body, 'input') } }),
  ...(op.admin && { security: [{ adminToken: [] }] }),
  responses: Object.fromEntries(
    Object.entries(op.responses).map(([code, [description, schema]]) => [
      code,
      schema ? { description, content: jsonContent(schema, 'output') } : { description },
    ]),
  ),
});

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
