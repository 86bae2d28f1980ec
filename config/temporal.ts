import type { Metadata, TLSConfig } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions } from '@temporalio/envconfig';

// How every process (worker, API, import CLI, scripts) reaches Temporal, from Temporal's own
// environment configuration: a profile of the TOML file (TEMPORAL_CONFIG_FILE, else
// ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else `default`), overridden by the
// TEMPORAL_* variables (address, namespace, API key, TLS certificates). The same conventions as the
// `temporal` CLI and every Temporal SDK, so one profile serves them all.

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** Accepted by both `Connection.connect` (client) and `NativeConnection.connect` (worker). */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Metadata;
}

export interface TemporalTarget {
  connectionOptions: TemporalConnectionOptions;
  namespace: string;
  /** For banners and logs: the address and how it is secured, never a key or certificate. */
  description: string;
}

export class TemporalConfigError extends Error {
  override readonly name = 'TemporalConfigError';
}

/** Empty values count as unset (compose passes `${X:-}` as an empty string). */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
}

export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const vars = withoutEmptyValues(env);
  let profile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (err) {
    throw new TemporalConfigError(`Temporal configuration: ${(err as Error).message}`);
  }
  const { clientCert, clientKey } = profile.tls ?? {};
  // envconfig drops a certificate without its key (or the reverse) silently: say so instead.
  if (Boolean(clientCert) !== Boolean(clientKey)) {
    throw new TemporalConfigError(
      'Temporal configuration: a TLS client certificate needs its key, and a key its certificate ' +
        '(TEMPORAL_TLS_CLIENT_CERT_PATH with TEMPORAL_TLS_CLIENT_KEY_PATH, or the *_DATA pair)',
    );
  }
  const { connectionOptions, namespace } = toClientOptions(profile);
  const options: TemporalConnectionOptions = {
    address: connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS,
    ...(connectionOptions.tls == null ? {} : { tls: connectionOptions.tls }),
    ...(connectionOptions.apiKey ? { apiKey: connectionOptions.apiKey } : {}),
    ...(connectionOptions.metadata ? { metadata: connectionOptions.metadata } : {}),
  };
  const resolvedNamespace = namespace ?? DEFAULT_TEMPORAL_NAMESPACE;
  return {
    connectionOptions: options,
    namespace: resolvedNamespace,
    description: describe(options, resolvedNamespace, vars.TEMPORAL_PROFILE),
  };
}

function describe(options: TemporalConnectionOptions, namespace: string, profile?: string): string {
  const security = [
    options.tls
      ? typeof options.tls === 'object' && options.tls.clientCertPair
        ? 'mTLS'
        : 'TLS'
      : 'plaintext',
    ...(options.apiKey ? ['API key'] : []),
    ...(profile ? [`profile ${profile}`] : []),
  ];
  return `${options.address} namespace ${namespace} (${security.join(', ')})`;
}
