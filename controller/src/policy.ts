import { readFileSync } from 'node:fs';
import { ConfigError, durationTextSchema, loadYamlFile, parseYaml, type Duration } from '@meshlab/common';
import { load } from 'js-yaml';
import { z } from 'zod';

const ruleName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9_]{0,61}[a-z0-9])?$/, 'expected lowercase letters, digits, "-" or "_"');

// A compose service name, or "*" for any container labelled meshlab.remediate=true.
const target = z.string().regex(/^(\*|[a-z0-9][a-z0-9_.-]*)$/, 'expected a compose service name or "*"');

const common = {
  name: ruleName,
  for: durationTextSchema().prefault('0s'),
  action: z.enum(['restart', 'log'], { error: 'expected restart or log' }),
  target,
  cooldown: durationTextSchema().prefault('60s'),
  max: z.number().int('expected a whole number').min(1).max(1000).default(3),
  window: durationTextSchema({ min: 1_000 }).prefault('10m'),
};

const queryRuleSchema = z
  .strictObject({
    ...common,
    kind: z.literal('query'),
    expr: z.string({ error: 'expected a PromQL expression' }).trim().min(1, 'expected a PromQL expression'),
    above: z.number().optional(),
    below: z.number().optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.above === undefined) === (rule.below === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['above'], message: 'expected exactly one of above or below' });
    }
  });

const dockerHealthRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('docker_health'),
});

const ruleSchema = z
  .preprocess(
    (input) =>
      input !== null && typeof input === 'object' && !('kind' in input) ? { ...input, kind: 'query' } : input,
    z.discriminatedUnion('kind', [queryRuleSchema, dockerHealthRuleSchema], {
      error: 'expected a rule with kind query (the default) or docker_health',
    }),
  )
  .transform(toRule);

export const policySchema = z
  .strictObject({ rules: z.array(ruleSchema).min(1, 'expected at least one rule') })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: 'expected a unique name' });
      }
      seen.add(rule.name);
    });
  });

export type RuleKind = 'query' | 'docker_health';
export type Comparison = 'above' | 'below';

/** A validated rule: durations in ms, the condition as comparison + threshold. */
export interface Rule {
  name: string;
  kind: RuleKind;
  /** PromQL, for query rules. */
  expr?: string;
  comparison: Comparison;
  threshold: number;
  for: Duration;
  action: 'restart' | 'log';
  target: string;
  cooldown: Duration;
  max: number;
  window: Duration;
}

export type Policy = { rules: Rule[] };

type ParsedRule = z.infer<typeof dockerHealthRuleSchema> | z.infer<typeof queryRuleSchema>;

function toRule(rule: ParsedRule): Rule {
  const shared = {
    name: rule.name,
    for: rule.for,
    action: rule.action,
    target: rule.target,
    cooldown: rule.cooldown,
    max: rule.max,
    window: rule.window,
  };
  // A docker_health rule watches a 0/1 value per container: 1 while Docker says "unhealthy".
  if (rule.kind === 'docker_health') return { ...shared, kind: rule.kind, comparison: 'above', threshold: 0 };
  const comparison: Comparison = rule.above !== undefined ? 'above' : 'below';
  return { ...shared, kind: 'query', expr: rule.expr, comparison, threshold: (rule.above ?? rule.below)! };
}

/** Rewrites "rules.2.for: ..." into 'rules.2 ("rule-name").for: ...' so a user finds the rule by name. */
function nameRules(problems: readonly string[], data: unknown): string[] {
  const rules = (data as { rules?: unknown } | null)?.rules;
  return problems.map((problem) =>
    problem.replace(/^rules\.(\d+)(?=[.:])/, (whole, index: string) => {
      const name = Array.isArray(rules)
        ? (rules[Number(index)] as { name?: unknown } | null)?.name
        : undefined;
      return typeof name === 'string' ? `${whole} (rule "${name}")` : `${whole} (unnamed rule)`;
    }),
  );
}

function withRuleNames(error: unknown, readText: () => string, source: string): unknown {
  if (!(error instanceof ConfigError)) return error;
  try {
    return new ConfigError(source, nameRules(error.problems, load(readText())));
  } catch {
    return error;
  }
}

export function parsePolicy(text: string, source: string): Policy {
  try {
    return parseYaml(policySchema, text, source);
  } catch (error) {
    throw withRuleNames(error, () => text, source);
  }
}

/** Reads and validates the policy file; a bad file throws a ConfigError naming the file, the rule and the field. */
export function loadPolicy(file: string): Policy {
  try {
    return loadYamlFile(policySchema, file);
  } catch (error) {
    throw withRuleNames(error, () => readFileSync(file, 'utf8'), file);
  }
}
