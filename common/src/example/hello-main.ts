import { helloService } from './hello-service.js';

helloService.main();
