import { gateway } from './service.js';

gateway.main();
