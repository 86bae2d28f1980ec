import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema } from '../../config';
import { TemporalConfigError, temporalTarget } from '../../config/temporal';

// config/temporal.ts turns Temporal's environment configuration (envconfig profile + TEMPORAL_*
// variables) into the options every process connects with. Real files in a temporary folder.

const dir = mkdtempSync(path.join(tmpdir(), 'temporal-config-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const CERT = file('client.pem', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
const KEY = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
const readText = (p: string) => readFileSync(p, 'utf8');
/** No profile file anywhere: neither the default path under HOME nor TEMPORAL_CONFIG_FILE exists. */
const bare = { HOME: dir, XDG_CONFIG_HOME: dir, TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') };

describe('temporalTarget: how every process reaches Temporal', () => {
  it('when nothing is configured, then it is the local server in plaintext, namespace default', () => {
    const target = temporalTarget(bare);
    expect(target.connectionOptions).toEqual({ address: '127.0.0.1:7233' });
    expect(target.namespace).toBe('default');
    expect(target.description).toBe('127.0.0.1:7233 namespace default (plaintext)');
  });

  it('when an API key is set, then it is sent over TLS (as Temporal Cloud requires), and never described', () => {
    const target = temporalTarget({
      ...bare,
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'recertify.a1b2c',
      TEMPORAL_API_KEY: 'secret-api-key',
    });
    expect(target.connectionOptions).toEqual({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      apiKey: 'secret-api-key',
      tls: true,
    });
    expect(target.namespace).toBe('recertify.a1b2c');
    expect(target.description).toBe(
      'eu-west-1.aws.api.temporal.io:7233 namespace recertify.a1b2c (TLS, API key)',
    );
    expect(target.description).not.toContain('secret-api-key');
  });

  it('when TLS files are named, then their contents become the client certificate, key, server CA and name', () => {
    const { connectionOptions, description } = temporalTarget({
      ...bare,
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CLIENT_CERT_PATH: CERT,
      TEMPORAL_TLS_CLIENT_KEY_PATH: KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: CA,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    });
    expect(connectionOptions.tls).toEqual({
      clientCertPair: { crt: Buffer.from(readText(CERT)), key: Buffer.from(readText(KEY)) },
      serverRootCACertificate: Buffer.from(readText(CA)),
      serverNameOverride: 'frontend.temporal.internal',
    });
    expect(connectionOptions.apiKey).toBeUndefined();
    expect(description).toBe('temporal.internal:7233 namespace default (mTLS)');
  });

  it('when a profile is chosen, then the file gives its fields and the variables override them', () => {
    const config = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "default.example:7233"',
        '[profile.prod]',
        'address = "prod.example:7233"',
        'namespace = "recertify-prod"',
        'api_key = "profile-key"',
        '[profile.prod.tls]',
        `server_ca_cert_path = "${CA}"`,
        '',
      ].join('\n'),
    );
    const env = { ...bare, TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' };
    const prod = temporalTarget(env);
    expect(prod.connectionOptions).toMatchObject({
      address: 'prod.example:7233',
      apiKey: 'profile-key',
      tls: { serverRootCACertificate: Buffer.from(readText(CA)) },
    });
    expect(prod.namespace).toBe('recertify-prod');
    expect(prod.description).toBe('prod.example:7233 namespace recertify-prod (TLS, API key, profile prod)');
    expect(temporalTarget({ ...env, TEMPORAL_ADDRESS: 'override:7233' }).connectionOptions.address).toBe(
      'override:7233',
    );
    // Without TEMPORAL_PROFILE, the file's default profile.
    expect(temporalTarget({ ...bare, TEMPORAL_CONFIG_FILE: config }).connectionOptions).toEqual({
      address: 'default.example:7233',
    });
  });

  it('when values are empty (compose passes ${X:-} as ""), then they count as unset', () => {
    const target = temporalTarget({ ...bare, TEMPORAL_API_KEY: '', TEMPORAL_TLS: '', TEMPORAL_ADDRESS: '' });
    expect(target.connectionOptions).toEqual({ address: '127.0.0.1:7233' });
  });

  it('when TLS is switched off explicitly, then it stays off even with an API key', () => {
    const target = temporalTarget({ ...bare, TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    expect(target.connectionOptions.tls).toBe(false);
  });

  it('when a client certificate comes without its key, then it refuses, naming both variables', () => {
    expect(() => temporalTarget({ ...bare, TEMPORAL_TLS_CLIENT_CERT_PATH: CERT })).toThrow(
      TemporalConfigError,
    );
    expect(() => temporalTarget({ ...bare, TEMPORAL_TLS_CLIENT_KEY_PATH: KEY })).toThrow(
      /TEMPORAL_TLS_CLIENT_CERT_PATH with TEMPORAL_TLS_CLIENT_KEY_PATH/,
    );
  });

  it('when the profile does not exist, then it says which', () => {
    expect(() => temporalTarget({ ...bare, TEMPORAL_PROFILE: 'staging' })).toThrow(
      /Temporal configuration: Profile 'staging' not found/,
    );
  });

  it('when TEMPORAL_TLS is not a boolean Temporal understands, then the configuration is refused', () => {
    expect(configSchema.safeParse({ TEMPORAL_TLS: 'yes' }).success).toBe(false);
    expect(configSchema.safeParse({ TEMPORAL_TLS: 'true', TEMPORAL_API_KEY: '' }).success).toBe(true);
  });
});
