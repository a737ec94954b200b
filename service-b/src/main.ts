import { serviceB } from './service.js';

serviceB.main();
