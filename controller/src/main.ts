import { controller } from './service.js';

controller.main();
