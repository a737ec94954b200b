import type { DeploymentConfig, Logger } from '@meshlab/common';
import type { HealthChecker } from './health-checker.js';
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
}
