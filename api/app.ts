import type { Client } from '@temporalio/client';
import express, { type RequestHandler } from 'express';
import type { TrustProxy } from '../config';
import type { ApiKeyRecord, Repository } from '../db/types';
import { createLogger, type Logger } from '../observability/logger';
import { accessLog } from './access-log';
import { apiKeyCache } from './api-key-cache';
import { authenticate, type Authenticated } from './auth';
import { createCredentialReads } from './credential-reads';
import { createCredentialWorkflows } from './credential-workflows';
import { DOCS_ASSETS_PATH, docsAssets } from './docs-ui';
import { AppError, errorHandler } from './errors';
import { buildOpenApiDocument } from './openapi';
import { type ApiMetrics, createApiMetrics } from './metrics';
import { encodeAnswer } from './responses';
import { publicRateLimit, type RateLimitOptions, VERIFY_RATE_LIMIT } from './public-rate-limit';
import type { Route, Services } from './registry';
import { inRequestContext, requestId, type RequestLocals } from './request-scope';
import { ROUTES } from './routes';
import { textBody } from './text-body';

export interface AppDeps {
  client: Client;
  repository: Repository;
  taskQueue: string;
  /** Injected so tests can pin "today". */
  now?: () => number;
  /** The public verification lookup's per-IP limit (default 30 per minute). */
  verifyRateLimit?: RateLimitOptions;
  /** Express's `trust proxy` (config TRUST_PROXY): whose X-Forwarded-For names the client. */
  trustProxy?: TrustProxy;
  /** Request and error logs; default: errors only, to stdout. */
  logger?: Logger;
  /** Where HTTP and business counters go (served by the metrics server); default: a fresh registry. */
  metrics?: ApiMetrics;
}

const BODY_LIMIT = '64kb';

/** 415 unless the body is JSON; a request without a body passes (the schema then names what is missing). */
const requireJson: RequestHandler = (req, _res, next) => {
  if (req.is('application/json') === false) {
    throw new AppError(
      'unsupported_media_type',
      'Send the body as JSON with Content-Type: application/json.',
    );
  }
  next();
};

function mount(
  app: express.Express,
  route: Route,
  services: Services,
  limiter: RequestHandler,
  findApiKey: (token: string) => Promise<ApiKeyRecord | null>,
): void {
  const chain: RequestHandler[] = [
    (_req, res, next) => {
      const locals = res.locals as Partial<RequestLocals>;
      locals.route = { path: route.path, operationId: route.operationId };
      // The receipt instant, taken once as the request arrives: every "day received" rule uses it.
      locals.receivedAt = services.now();
      next();
    },
  ];
  if (route.rateLimited) chain.push(limiter);
  if (route.access !== 'public') chain.push(authenticate(findApiKey, route.access));
  if (route.textBody) chain.push(...textBody(route.textBody));
  else if (route.body) chain.push(requireJson, express.json({ limit: BODY_LIMIT, strict: true }));
  chain.push(
    inRequestContext(async (req, res) => {
      const result = await route.run(
        {
          params: req.params,
          query: req.query,
          body: req.body as unknown,
          actor: (res.locals as Partial<Authenticated>).actor ?? null,
          idempotencyKey: req.get('idempotency-key'),
          receivedAt: (res.locals as Partial<RequestLocals>).receivedAt ?? services.now(),
        },
        services,
      );
      const body = encodeAnswer(route.operationId, result.status, result.body);
      res.status(result.status).set(result.headers ?? {});
      if (result.type === 'html') res.type('html').send(body);
      else res.json(body);
    }),
  );
  app[route.method](route.path, ...chain);
}

/** A path the API has, asked with a method it does not take there: 405 naming those it does. */
function methodNotAllowed(routes: readonly Route[]): express.Router {
  const byPath = new Map<string, string[]>();
  for (const route of routes) {
    const methods = byPath.get(route.path) ?? [];
    methods.push(...(route.method === 'get' ? ['GET', 'HEAD'] : [route.method.toUpperCase()]));
    byPath.set(route.path, methods);
  }
  const router = express.Router();
  for (const [path, methods] of byPath) {
    const headers = { Allow: methods.join(', ') };
    router.all(path, (req) => {
      const message = `${req.method} is not allowed on ${req.path}: use ${headers.Allow}.`;
      throw new AppError('method_not_allowed', message, [], headers);
    });
  }
  return router;
}

/** The HTTP API, given its dependencies; every route comes from the one route table (api/routes). */
export function createApp(deps: AppDeps, routes: readonly Route[] = ROUTES) {
  const now = deps.now ?? Date.now;
  const openapi = buildOpenApiDocument(routes);
  const workflows = createCredentialWorkflows(deps.client, deps.repository, now);
  const services: Services = {
    client: deps.client,
    repository: deps.repository,
    taskQueue: deps.taskQueue,
    now,
    workflows,
    reads: createCredentialReads(deps.repository, workflows, now),
    openapi: () => openapi,
  };
  const logger = deps.logger ?? createLogger({ level: 'error', service: 'api' });
  const limiter = publicRateLimit(deps.verifyRateLimit ?? VERIFY_RATE_LIMIT, logger);
  const findApiKey = apiKeyCache(deps.repository, now);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(requestId(logger));
  app.use(accessLog(deps.metrics ?? createApiMetrics()));
  app.use(DOCS_ASSETS_PATH, docsAssets());
  for (const route of routes) mount(app, route, services, limiter, findApiKey);
  app.use(methodNotAllowed(routes));
  app.use((req, _res, next) => {
    next(new AppError('not_found', `No route ${req.method} ${req.path}: see /docs.`));
  });
  app.use(errorHandler);
  return app;
}
