// The lab's scenarios on the real images, in this order, against one stack (see global-setup.ts).
// Discovery, load balancing, outlier ejection and the circuit breaker are experiments (experiments/*.yaml),
// run by experimentsScenario as `npm run lab -- run --all` runs them.
import { badInputScenario } from './scenarios/bad-input.js';
import { configReloadScenario } from './scenarios/config-reload.js';
import { experimentsScenario } from './scenarios/experiments.js';
import { hardeningScenario } from './scenarios/hardening.js';
import { interServiceScenario } from './scenarios/inter-service.js';
import { nodeImageScenario } from './scenarios/node-image.js';
import { observabilityScenario } from './scenarios/observability.js';
import { overflowScenario } from './scenarios/overflow.js';
import { registryTrustScenario } from './scenarios/registry-trust.js';
import { routingScenario } from './scenarios/routing.js';
import { selfHealingScenario } from './scenarios/self-healing.js';
import { shopDataScenario } from './scenarios/shop-data.js';

nodeImageScenario();
routingScenario();
interServiceScenario();
overflowScenario();
observabilityScenario();
selfHealingScenario();
badInputScenario();
hardeningScenario();
registryTrustScenario();
experimentsScenario();
shopDataScenario();
configReloadScenario();
