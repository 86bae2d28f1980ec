import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { executable, temporalCliPath, temporalTestServerPath } from '../../scripts/lib/temporal-tools';
import { registerSearchAttributes } from '../../scripts/lib/search-attributes';
import { WORKFLOW_BUNDLE_OPTIONS } from '../../worker/bundle-options';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/** The Java time-skipping test server, from .tools/venv (or the SDK's download where reachable). */
export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: executable(temporalTestServerPath()) },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

export interface DevServerOptions {
  /** Serve the Temporal Web UI too (off by default: it costs start-up time and a port). */
  ui?: boolean;
  /** The UI's port; with `ui` and no port, a free one is picked (the CLI's default, port + 1000, may be taken). */
  uiPort?: number;
}

/** The real Temporal server (CLI dev server, in memory) with our search attributes registered. */
export async function startDevServer({
  ui = false,
  uiPort,
}: DevServerOptions = {}): Promise<TestWorkflowEnvironment> {
  const uiOptions = ui || uiPort !== undefined ? { ui: true, uiPort: uiPort ?? (await freePort()) } : {};
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: executable(temporalCliPath()),
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      ...uiOptions,
    },
  });
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it; released before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Bundled once per test file (bundling takes seconds), with the same interceptors as production.
 * `replace` swaps modules (absolute path → absolute path), e.g. to bundle edited rules for a replay test.
 */
export function bundleWorkflows(replace: Record<string, string> = {}): Promise<WorkflowBundleWithSourceMap> {
  const aliases = Object.entries(replace);
  return bundleWorkflowCode({
    ...WORKFLOW_BUNDLE_OPTIONS,
    logger: quietLogger,
    ...(aliases.length > 0
      ? {
          webpackConfigHook: (config) => {
            config.plugins = [
              ...(config.plugins ?? []),
              // Swaps a module imported by a relative path; the replacement resolves its own imports
              // from where it lives, and may import the original.
              {
                apply(compiler: CompilerLike) {
                  compiler.hooks.normalModuleFactory.tap('replace-modules', (nmf) => {
                    nmf.hooks.beforeResolve.tap('replace-modules', (data) => {
                      if (!data.request.startsWith('.')) return;
                      const requested = path.resolve(data.context, data.request);
                      const target = replace[`${requested}.ts`] ?? replace[requested];
                      if (target && data.contextInfo.issuer !== target) data.request = target;
                    });
                  });
                },
              },
            ];
            return config;
          },
        }
      : {}),
  });
}

interface CompilerLike {
  hooks: {
    normalModuleFactory: {
      tap: (
        name: string,
        f: (nmf: {
          hooks: {
            beforeResolve: {
              tap: (
                name: string,
                f: (data: { request: string; context: string; contextInfo: { issuer: string } }) => void,
              ) => void;
            };
          };
        }) => void,
      ) => void;
    };
  };
}

const noop = () => undefined;
/** Errors only: bundling and workers in tests log nothing else. */
export const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
  log: noop,
};
