import express from 'express';
import { createCredentialsRouter, type CredentialsRouterDeps } from './credentials-router';
import { AppError, errorHandler } from './errors';

export type AppDeps = CredentialsRouterDeps;

/** The HTTP API, given its dependencies: a Temporal client and a repository. */
export function createApp(deps: AppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use('/credentials', createCredentialsRouter(deps));
  app.use((req, _res, next) => {
    next(new AppError('not_found', `No route ${req.method} ${req.path}.`));
  });
  app.use(errorHandler);
  return app;
}
