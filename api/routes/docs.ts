import { DOCS_CONTENT_SECURITY_POLICY, DOCS_PAGE } from '../docs-ui';
import { defineRoute } from '../registry';

export const openApiRoute = defineRoute({
  operationId: 'openApiDocument',
  method: 'get',
  path: '/openapi.json',
  tag: 'operations',
  summary: 'This API as an OpenAPI 3.1 document.',
  access: 'public',
  responses: { 200: 'The OpenAPI document.' },
  handler: ({ services }) => Promise.resolve({ status: 200, body: services.openapi() }),
});

export const docsRoute = defineRoute({
  operationId: 'docs',
  method: 'get',
  path: '/docs',
  tag: 'operations',
  summary: 'This API in Swagger UI: the operations of /openapi.json, with try-it-out.',
  access: 'public',
  produces: 'text/html',
  responses: { 200: 'The HTML page (its scripts and styles are served under /docs/assets).' },
  handler: () =>
    Promise.resolve({
      status: 200,
      type: 'html',
      headers: { 'Content-Security-Policy': DOCS_CONTENT_SECURITY_POLICY },
      body: DOCS_PAGE,
    }),
});
