import { shop } from './service.js';

shop.main();
