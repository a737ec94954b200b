import type { HealthState } from './status-machine.js';

export interface Registration {
  name: string;
  id: string;
  /** Normalised: scheme://host:port, no trailing slash. */
  url: string;
  healthPath: string;
  metadata: Record<string, string>;
}

export interface Instance extends Registration {
  /** Who registered it (caller.ts): only that owner, or the admin, may change or delete it. */
  owner: string;
  health: HealthState;
  registeredAt: number;
  lastHeartbeat: number;
  /** Bumped when url or healthPath change, so a check started before is not applied after. */
  generation: number;
}

/** Who is writing: the owner key of caller.ts, and whether it may override another owner. */
export interface Claim {
  owner: string;
  admin: boolean;
}

export const instanceKey = (name: string, id: string): string => `${name}\u0000${id}`;
