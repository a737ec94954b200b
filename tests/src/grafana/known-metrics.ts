/** The contract metric names between the services, the rules and the dashboards (each service's README, "Metrics"). */
export const specMetrics = [
  'gateway_requests_total',
  'gateway_request_duration_seconds',
  'gateway_upstream_attempts_total',
  'gateway_retries_total',
  'gateway_circuit_state',
  'gateway_circuit_transitions_total',
  'gateway_endpoints',
  'registry_instances',
  'registry_health_checks_total',
  'service_b_requests_total',
  'service_b_latency_seconds',
  'service_b_errors_total',
  'service_b_fault_latency_ms',
  'service_b_fault_error_rate',
  'service_a_requests_total',
  'service_a_request_duration_seconds',
  'service_a_errors_total',
  'service_a_target_rps',
  'service_a_dropped_total',
  'controller_rule_firing',
  'controller_remediations_total',
  'controller_evaluations_total',
] as const;

/** Metrics the services add beyond the contract, agreed for the dashboards. */
export const extraMetrics = [
  'registry_desired_replicas',
  'registry_ready_replicas',
  'registry_health_check_duration_seconds',
  'controller_rule_value',
  'controller_rule_threshold',
  'service_a_achieved_rps',
  'gateway_retry_budget_exhausted_total',
  'gateway_endpoint_ejected',
  'gateway_ejections_total',
  'gateway_overflow_total',
  'gateway_requests_in_flight',
  'gateway_concurrency_limit',
  'controller_rule_consecutive_errors',
  'shop_requests_total',
  'shop_orders_created_total',
  'shop_db_pool_connections',
  'shop_db_pool_waiting',
  'shop_db_query_duration_seconds',
  'shop_db_errors_total',
] as const;

/** Series Prometheus makes itself. */
export const prometheusMetrics = ['up', 'ALERTS'] as const;

export const histograms = [
  'gateway_request_duration_seconds',
  'service_b_latency_seconds',
  'service_a_request_duration_seconds',
  'registry_health_check_duration_seconds',
  'shop_db_query_duration_seconds',
] as const;

/** Every raw metric name a query may select: the above, with _bucket/_sum/_count for histograms. */
export function knownRawMetrics(): Set<string> {
  const names = new Set<string>([...specMetrics, ...extraMetrics, ...prometheusMetrics]);
  for (const h of histograms) for (const suffix of ['_bucket', '_sum', '_count']) names.add(h + suffix);
  return names;
}
