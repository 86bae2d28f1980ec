import { renderDocsPage } from '../docs-page';
import type { OpenApiDocument } from '../openapi';
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
  summary: 'This API as a readable HTML page.',
  access: 'public',
  produces: 'text/html',
  responses: { 200: 'The HTML page.' },
  handler: ({ services }) =>
    Promise.resolve({
      status: 200,
      type: 'html',
      body: renderDocsPage(services.openapi() as OpenApiDocument),
    }),
});
