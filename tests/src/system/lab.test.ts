// The lab's scenarios on the real images, in this order, against one stack (see global-setup.ts).
import { badInputScenario } from './scenarios/bad-input.js';
import { circuitBreakerScenario } from './scenarios/circuit-breaker.js';
import { discoveryScenario } from './scenarios/discovery.js';
import { experimentsScenario } from './scenarios/experiments.js';
import { hardeningScenario } from './scenarios/hardening.js';
import { interServiceScenario } from './scenarios/inter-service.js';
import { nodeImageScenario } from './scenarios/node-image.js';
import { observabilityScenario } from './scenarios/observability.js';
import { outlierEjectionScenario } from './scenarios/outlier-ejection.js';
import { overflowScenario } from './scenarios/overflow.js';
import { registryTrustScenario } from './scenarios/registry-trust.js';
import { routingScenario } from './scenarios/routing.js';
import { selfHealingScenario } from './scenarios/self-healing.js';

nodeImageScenario();
routingScenario();
discoveryScenario();
interServiceScenario();
overflowScenario();
observabilityScenario();
circuitBreakerScenario();
outlierEjectionScenario();
selfHealingScenario();
badInputScenario();
hardeningScenario();
registryTrustScenario();
experimentsScenario();
