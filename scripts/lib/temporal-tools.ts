import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

const venvBin = path.join(projectRoot, '.tools', 'venv', 'bin');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

function locate(envVar: string, binary: string): string | undefined {
  const configured = process.env[envVar];
  if (configured) {
    if (!existsSync(configured)) throw new Error(`${envVar}=${configured} does not exist`);
    return configured;
  }
  const local = path.join(venvBin, binary);
  return existsSync(local) ? local : onPath(binary);
}

/** The Temporal CLI (dev server + Web UI): $TEMPORAL_CLI_PATH, .tools/venv, or PATH. */
export const temporalCliPath = (): string | undefined => locate('TEMPORAL_CLI_PATH', 'temporal');

/** The time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, .tools/venv, or PATH. */
export const temporalTestServerPath = (): string | undefined =>
  locate('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');

/** SDK executable option: the local binary when there is one, else the SDK's own download. */
export function executable(path: string | undefined) {
  return path ? ({ type: 'existing-path', path } as const) : ({ type: 'cached-download' } as const);
}

/** Schemathesis's CLI (`st`, the API fuzzer of test/integration/api-fuzz.test.ts): $SCHEMATHESIS_PATH, .tools/venv, or PATH. */
export const schemathesisPath = (): string | undefined => locate('SCHEMATHESIS_PATH', 'st');
