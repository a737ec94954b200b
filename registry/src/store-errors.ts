import type { Instance } from './instance.js';

export class RegistryFullError extends Error {
  constructor(
    readonly limit: 'total' | 'service',
    readonly max: number,
    service: string,
  ) {
    super(
      limit === 'total'
        ? `registry is full: at most ${max} instances (MAX_INSTANCES)`
        : `service ${service} is full: at most ${max} instances per service (MAX_INSTANCES_PER_SERVICE)`,
    );
  }
}

/** The id is held by another owner (another host, or the admin). */
export class NotOwnerError extends Error {
  constructor(readonly instance: Instance) {
    super(
      `instance ${instance.id} of service ${instance.name} belongs to the caller that registered it ` +
        `(${instance.owner}); only that caller or the admin token may change or delete it`,
    );
  }
}
