import express from 'express';
import { z } from 'zod';

/** Express's `trust proxy`: false, true, a hop count, or addresses, subnets and the names Express knows. */
export type TrustProxy = boolean | number | string[];

const TRUST_PROXY_HELP =
  'use false, true, a number of proxy hops, or a comma-separated list of addresses and subnets ' +
  '(e.g. 10.0.0.0/8, or loopback, linklocal, uniquelocal)';

/** Parsed as Express reads it; Express itself compiles a list, so it accepts exactly what Express accepts. */
function parseTrustProxy(raw: string, ctx: z.RefinementCtx): TrustProxy {
  const value = raw.trim();
  if (value === '' || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(',').map((entry) => entry.trim());
  try {
    express().set('trust proxy', list);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `${(err as Error).message}: ${TRUST_PROXY_HELP}` });
    return z.NEVER;
  }
  return list;
}

/** An empty value (compose passes `${X:-}` as '') counts as unset: the default applies. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema);
const optionalText = unsetIfEmpty(z.string().min(1).optional());
/** Temporal's own convention for booleans in TEMPORAL_* variables. */
const optionalFlag = unsetIfEmpty(z.enum(['true', 'false', '1', '0']).optional());

// One validated schema for every process; a bad value stops start-up with the variable's name.
export const configSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  // Where Temporal is and how to reach it: Temporal's own environment configuration (an envconfig
  // profile, overridden by these variables), resolved by config/temporal.ts. Unset: 127.0.0.1:7233,
  // namespace `default`, no TLS.
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: optionalText,
  /** Temporal Cloud (or any server that checks API keys): sent as `Authorization: Bearer`; turns TLS on. */
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_TLS: optionalFlag,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  /** A profile of the TOML file (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml). */
  TEMPORAL_PROFILE: optionalText,
  TEMPORAL_CONFIG_FILE: optionalText,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('credentials'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Whose X-Forwarded-For names the client (the public rate limit is per client address). false:
   * the connecting address (no proxy). true trusts any sender, who can then pick their own address.
   */
  TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** A bundle built by scripts/build-workflow-bundle.ts; unset: the worker bundles at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  /** pino level of the JSON logs on stdout. */
  LOG_LEVEL: unsetIfEmpty(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** Prometheus /metrics of each process, on their own (internal, unauthenticated) ports. */
  API_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9463),
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Loopback by default: the metrics have no auth. Containers set 0.0.0.0 to be scraped. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // Reminder delivery (delivery/). A channel without its URL keeps its outbox rows pending.
  /** SMTP server for reminder e-mails, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465. */
  SMTP_URL: unsetIfEmpty(z.string().url().optional()),
  REMINDER_FROM: unsetIfEmpty(z.string().min(3).default('Recertify <reminders@recertify.invalid>')),
  REMINDER_WEBHOOK_URL: unsetIfEmpty(z.string().url().optional()),
  /** HMAC-SHA256 key of the webhook signature; required when REMINDER_WEBHOOK_URL is set. */
  REMINDER_WEBHOOK_SECRET: unsetIfEmpty(z.string().min(16).optional()),
  REMINDER_POLL_MS: z.coerce.number().int().min(100).default(5000),
  /**
   * How often the API looks for credential workflows that closed abnormally (terminated, failed),
   * so reads from PostgreSQL say so (api/workflow-reconciler.ts). 0 turns it off.
   */
  WORKFLOW_RECONCILE_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Config = z.infer<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}

export function requireDatabaseUrl(config: Config): string {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (e.g. postgresql://user@host:5432/db)');
  return config.DATABASE_URL;
}
