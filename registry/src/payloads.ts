import { dnsLabel } from '@meshlab/common';
import { z } from 'zod';

export const instanceId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected 1..128 characters of A-Z, a-z, 0-9, ".", "_", "-"');

// Scheme, optional userinfo (rejected below), host (name, IPv4 or [IPv6]), an explicit port, at most "/".
const urlShape = /^(https?):\/\/(?:[^@/?#]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})\/?$/;

/** http(s)://host:port with an explicit port, no credentials, no path, query or fragment; normalised. */
export const instanceUrl = z
  .string()
  .max(300, 'expected at most 300 characters')
  .transform((value, ctx) => {
    const match = urlShape.exec(value);
    const port = Number(match?.[3]);
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!match || !parsed || port < 1 || port > 65535) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected http(s)://host:port with an explicit port and no path, query or credentials',
      });
      return z.NEVER;
    }
    if (parsed.username || parsed.password) {
      ctx.addIssue({ code: 'custom', message: 'expected a URL without credentials' });
      return z.NEVER;
    }
    return `${parsed.protocol}//${parsed.hostname}:${port}`;
  });

// A path of unreserved/sub-delim characters and percent escapes; no query, fragment or backslash.
const pathShape = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

export const healthPath = z
  .string()
  .max(256, 'expected at most 256 characters')
  .regex(pathShape, 'expected a path starting with "/" (no query or fragment)')
  .refine((path) => !path.split('/').some((segment) => /^(\.|%2e){2}$/i.test(segment)), {
    message: 'expected a path without ".." segments',
  });

export const maxMetadataBytes = 4096;

export const metadata = z
  .record(
    z
      .string()
      .regex(
        /^[A-Za-z0-9._/-]{1,63}$/,
        'expected a key of 1..63 characters of A-Z, a-z, 0-9, ".", "_", "/", "-"',
      ),
    z.string().max(256, 'expected a string of at most 256 characters'),
  )
  .refine((record) => Object.keys(record).length <= 32, { message: 'expected at most 32 entries' })
  // Every blocked /discovery watcher receives every instance's metadata: keep an instance small.
  .refine((record) => JSON.stringify(record).length <= maxMetadataBytes, {
    message: `expected at most ${maxMetadataBytes} bytes of metadata in all (as JSON)`,
  });

export const registerBody = z.strictObject({
  name: dnsLabel,
  id: instanceId,
  url: instanceUrl,
  healthPath: healthPath.optional(),
  metadata: metadata.optional(),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const serviceParams = z.object({ name: dnsLabel });
export const instanceParams = z.object({ name: dnsLabel, id: instanceId });

export const maxWaitMs = 5 * 60_000;

/** "500ms", "5s", "1m" or a bare number of seconds, at most 5m (Consul's blocking-query `wait`). */
export const waitDuration = z
  .string()
  .regex(/^\d{1,9}(ms|s|m)?$/, 'expected a duration like 500ms, 30s or 5m')
  .transform((value) => {
    const amount = Number.parseInt(value, 10);
    if (value.endsWith('ms')) return amount;
    return value.endsWith('m') ? amount * 60_000 : amount * 1_000;
  })
  .refine((ms) => ms <= maxWaitMs, { message: 'expected at most 5m' });

export const discoveryQuery = z.object({
  index: z
    .string()
    .regex(/^\d{1,15}$/, 'expected a non-negative integer index')
    .transform(Number)
    .optional(),
  wait: waitDuration.optional(),
});
