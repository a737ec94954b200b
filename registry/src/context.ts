import type { DeploymentConfig, Logger } from '@meshlab/common';
import type { Tokens } from './caller.js';
import type { HealthChecker } from './health-checker.js';
import type { Lookup } from './own-address.js';
import type { InstanceStore } from './store.js';
import type { DiscoveryWatch } from './watch.js';

/** What the routes need: built once by createApp. */
export interface RegistryContext {
  deployment: DeploymentConfig;
  store: InstanceStore;
  checker: HealthChecker;
  watch: DiscoveryWatch;
  logger: Logger;
  adminToken: string | undefined;
  tokens: Tokens;
  lookup: Lookup;
}
