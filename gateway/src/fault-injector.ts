import type { ServiceConfig } from '@meshlab/common';

export type FaultsConfig = ServiceConfig['faults'];

export interface FaultDecision {
  delayMs: number;
  /** The status to answer with instead of calling the upstream. */
  abortStatus: number | undefined;
}

/** Per-route fault injection (Envoy's HTTP fault filter): delay and/or abort a share of requests. */
export class FaultInjector {
  constructor(
    public config: FaultsConfig,
    private readonly random: () => number = Math.random,
  ) {}

  get active(): boolean {
    return this.config.delay.percent > 0 || this.config.abort.percent > 0;
  }

  /** undefined when this request is left alone. */
  decide(): FaultDecision | undefined {
    if (!this.active) return undefined;
    const { delay, abort } = this.config;
    const delayMs = delay.percent > 0 && this.random() * 100 < delay.percent ? delay.ms : 0;
    const abortStatus = abort.percent > 0 && this.random() * 100 < abort.percent ? abort.status : undefined;
    if (delayMs === 0 && abortStatus === undefined) return undefined;
    return { delayMs, abortStatus };
  }
}
