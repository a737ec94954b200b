import { serviceA } from './service.js';

serviceA.main();
