import { describe, expect, it } from 'vitest';
import type { Resilience } from '@meshlab/common';
import { RetryPolicy, outcomeOfStatus } from './retry-policy.js';

type RetryConfig = Resilience['retry'];

const config = {
  maxAttempts: 3,
  baseDelayMs: 25,
  maxDelayMs: 250,
  retryOn: ['connect_error', '502', '503', '504'] as RetryConfig['retryOn'],
  budget: { percent: 20, minPerSecond: 5 },
};

describe('RetryPolicy', () => {
  const policy = new RetryPolicy(config);

  it('retries idempotent methods on 502, 503, 504 and connect errors', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) {
      expect(policy.retryReason(method, { outcome: 'http_5xx', status: 503 })).toBe('503');
      expect(policy.retryReason(method, { outcome: 'connect_error' })).toBe('connect_error');
    }
    expect(policy.retryReason('GET', { outcome: 'http_5xx', status: 502 })).toBe('502');
    expect(policy.retryReason('GET', { outcome: 'http_5xx', status: 504 })).toBe('504');
  });

  it('does not retry POST or PATCH', () => {
    expect(policy.retryReason('POST', { outcome: 'http_5xx', status: 503 })).toBeUndefined();
    expect(policy.retryReason('PATCH', { outcome: 'connect_error' })).toBeUndefined();
  });

  it('retries any 5xx, 500 included, when retryOn lists 5xx, naming the status', () => {
    const any5xx = new RetryPolicy({ ...config, retryOn: ['connect_error', '5xx'] });
    expect(any5xx.retryReason('GET', { outcome: 'http_5xx', status: 500 })).toBe('500');
    expect(any5xx.retryReason('GET', { outcome: 'http_5xx', status: 503 })).toBe('503');
    expect(any5xx.retryReason('POST', { outcome: 'http_5xx', status: 500 })).toBeUndefined();
    expect(any5xx.retryReason('GET', { outcome: 'http_4xx', status: 404 })).toBeUndefined();
  });

  it('never retries 4xx, 500 or a success', () => {
    expect(policy.retryReason('GET', { outcome: 'http_4xx', status: 404 })).toBeUndefined();
    expect(policy.retryReason('GET', { outcome: 'http_4xx', status: 429 })).toBeUndefined();
    expect(policy.retryReason('GET', { outcome: 'http_5xx', status: 500 })).toBeUndefined();
    expect(policy.retryReason('GET', { outcome: 'success', status: 200 })).toBeUndefined();
  });

  it('retries timeouts only when retryOn lists timeout or 5xx', () => {
    expect(policy.retryReason('GET', { outcome: 'timeout' })).toBeUndefined();
    const withTimeout = new RetryPolicy({ ...config, retryOn: ['timeout'] });
    expect(withTimeout.retryReason('GET', { outcome: 'timeout' })).toBe('timeout');
  });

  it('retries a per-try timeout and a connect error under 5xx, as Envoy does', () => {
    const any5xx = new RetryPolicy({ ...config, retryOn: ['5xx'] });
    expect(any5xx.retryReason('GET', { outcome: 'timeout' })).toBe('timeout');
    expect(any5xx.retryReason('GET', { outcome: 'connect_error' })).toBe('connect_error');
    expect(any5xx.retryReason('POST', { outcome: 'timeout' })).toBeUndefined();
  });

  it('backs off with full jitter under a cap that doubles from the base', () => {
    const max = new RetryPolicy(config, () => 0.999999);
    expect([0, 1, 2, 3, 4, 10].map((n) => max.backoffMs(n))).toEqual([24, 49, 99, 199, 249, 249]);
    const min = new RetryPolicy(config, () => 0);
    expect(min.backoffMs(3)).toBe(0);
  });

  it('maps statuses to outcomes', () => {
    expect([200, 302, 404, 503].map(outcomeOfStatus)).toEqual(['success', 'success', 'http_4xx', 'http_5xx']);
  });
});
