import { registry } from './service.js';

registry.main();
