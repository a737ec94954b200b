import { ConfigError } from '../config.js';

/** The message of the ConfigError `load` throws; throws itself when `load` succeeds or fails otherwise. */
export function configErrorMessage(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}
