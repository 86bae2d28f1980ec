import { z } from 'zod';
import type { Route } from './registry';
import { responseSchema } from './responses';
import { ErrorBody } from './schemas/errors';

// The OpenAPI 3.1 document, derived from the route table and its zod schemas (the ones that validate).

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): JsonSchema {
  // `input`: what a client sends (before defaults and transforms such as "0.50" → 50).
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
}

/** What the API sends: the output side of an answer's schema (CEUs as "1.50", money in `…Cents`). */
function answerSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'output',
    // History data is the event's own JSON, converted by a transform: any JSON value.
    unrepresentable: 'any',
  });
  return rest;
}

/** `/credentials/:number` → `/credentials/{number}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_]\w*)/g, '{$1}');
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe for 30 days, across renewals: a repeat of the same request with the same key returns ' +
    'the first final answer (2xx or 422, with Idempotent-Replayed: true); the same key with another request is ' +
    'a 422 (idempotency_key_reused). See the README, "Retry contract".',
  schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' },
};

const COMMON_ERRORS = {
  400: 'Invalid request: details names each field and what to send.',
  500: 'Internal error (no details are leaked).',
  503: 'A dependency (Temporal) is not answering; retry after Retry-After.',
};

function responses(route: Route): Record<string, JsonSchema> {
  const secured = route.access !== 'public';
  const all: Record<number, string | undefined> = {
    ...(route.params || route.query || route.body ? { 400: COMMON_ERRORS[400] } : {}),
    ...(secured
      ? {
          401: 'No API key, or an unknown one (see WWW-Authenticate).',
          403: `The API key's role is not allowed (needs ${(route.access as readonly string[]).join(' or ')}).`,
        }
      : {}),
    ...(route.textBody
      ? {
          413: `Body larger than ${route.textBody.limit}.`,
          415: `Send Content-Type: ${route.textBody.mediaTypes.join(' or ')}.`,
        }
      : route.body
        ? { 413: 'Body larger than 64 KB.', 415: 'Send Content-Type: application/json.' }
        : {}),
    ...route.responses,
    500: COMMON_ERRORS[500],
  };
  return Object.fromEntries(
    Object.entries(all).map(([status, description = '']) => {
      const schema = responseSchema(route.operationId, Number(status));
      const type = Number(status) < 400 ? (route.produces ?? 'application/json') : 'application/json';
      // No schema: test/unit/response-schemas.test.ts fails until api/responses.ts has one.
      const media = !schema
        ? { [type]: {} }
        : schema === ErrorBody
          ? { [type]: { schema: { $ref: '#/components/schemas/Error' } } }
          : { [type]: { schema: answerSchema(schema) } };
      return [status, { description, content: media }];
    }),
  );
}

function mediaTypes(types: readonly string[], schema: JsonSchema): JsonSchema {
  return Object.fromEntries(types.map((type) => [type, { schema }]));
}

export function buildOpenApiDocument(routes: readonly Route[]) {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      'x-roles': route.access === 'public' ? [] : [...route.access],
      security: route.access === 'public' ? [] : [{ apiKey: [] }],
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.idempotencyKey ? [IDEMPOTENCY_KEY] : []),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: mediaTypes(route.textBody?.mediaTypes ?? ['application/json'], jsonSchema(route.body)),
            },
          }
        : {}),
      responses: responses(route),
    };
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.1.0',
    // No jsonSchemaDialect: the schemas are plain JSON Schema 2020-12, which OAS 3.1's default
    // dialect covers, and Swagger UI (/docs) supports only the default.
    info: {
      title: 'Recertify API',
      version: '1.0.0',
      description:
        'Credential recertification: backend services report facts, the member portal acts for the holder, ' +
        'ops decide. Authenticate with `Authorization: Bearer <API key>`; each operation lists the roles ' +
        'it accepts in x-roles. Money is in integer cents, in fields whose names end in `Cents`; CEUs are ' +
        'decimal strings with two decimals in every answer ("1.50"), and requests take "0.50" or 0.5.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key with the role service, portal or ops.',
        },
      },
      schemas: { Error: jsonSchema(ErrorBody) },
    },
    paths,
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
