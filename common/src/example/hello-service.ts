import { defineService } from '../define-service.js';
import { createHelloApp, helloConfigSchema } from './hello-app.js';

export const helloService = defineService({
  name: 'hello',
  schema: helloConfigSchema,
  create: (_config, ctx) => createHelloApp(ctx),
  registration: () => ({ name: 'hello', healthPath: '/healthz' }),
});
