import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { ApiRole, Repository } from '../db/types';
import type { Actor } from '../workflows/contract';
import type { CredentialReads } from './credential-reads';
import { oncePerKey } from './command-receipts';
import type { CredentialWorkflows } from './credential-workflows';
import { IdempotencyKey } from './schemas/common';
import type { TextBody } from './text-body';
import { parse } from './validation';

// The route table, declared once: the router mounts it and the OpenAPI document describes it.

export interface Services {
  readonly client: Client;
  readonly repository: Repository;
  readonly taskQueue: string;
  readonly now: () => number;
  readonly workflows: CredentialWorkflows;
  /** Reads from PostgreSQL with the workflow's own view (api/credential-reads.ts). */
  readonly reads: CredentialReads;
  /** The OpenAPI document of this very table (built once, after the table). */
  readonly openapi: () => object;
}

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The caller's API key as a command's actor; null on public routes. */
  readonly actor: Actor | null;
  /** `Idempotency-Key` header, on routes that accept one. */
  readonly idempotencyKey: string | undefined;
  /**
   * The instant the API received the request (ISO 8601), taken once on arrival: every command sends
   * it to the workflow as `receivedAt` (rules/receipt.ts), so a backlogged worker does not move it.
   */
  readonly receivedAt: string;
  readonly services: Services;
}

export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** `json` unless said otherwise. */
  readonly type?: 'json' | 'html';
}

export type Access = 'public' | readonly ApiRole[];

export interface RouteSpec<P, Q, B> {
  readonly operationId: string;
  readonly method: 'get' | 'post';
  /** Express syntax (`/credentials/:number`). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  readonly params?: z.ZodType<P, unknown>;
  readonly query?: z.ZodType<Q, unknown>;
  readonly body?: z.ZodType<B, unknown>;
  /** The body is a text file in one of these media types (not JSON); `body` then validates the string. */
  readonly textBody?: TextBody;
  /** Accepts an `Idempotency-Key` header. */
  readonly idempotencyKey?: boolean;
  /** Subject to the public per-IP rate limit. */
  readonly rateLimited?: boolean;
  /** Status → what it means for this operation (error statuses included). */
  readonly responses: Readonly<Record<number, string>>;
  /** Media type of the success answer, when not JSON. */
  readonly produces?: string;
  handler(this: void, ctx: RouteContext<P, Q, B>): Promise<RouteResult>;
}

export interface RawRequest {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly actor: Actor | null;
  readonly idempotencyKey: unknown;
  /** Epoch ms the request arrived (the app's clock). */
  readonly receivedAt: number;
}

/** A route with its types erased: what the router and the OpenAPI generator walk over. */
export interface Route extends Omit<RouteSpec<unknown, unknown, unknown>, 'handler'> {
  run(raw: RawRequest, services: Services): Promise<RouteResult>;
}

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): Route {
  const { handler, ...rest } = spec;
  return {
    ...rest,
    run: (raw, services) => {
      const ctx: RouteContext<P, Q, B> = {
        params: spec.params ? parse(spec.params, raw.params) : ({} as P),
        query: spec.query ? parse(spec.query, raw.query ?? {}) : ({} as Q),
        body: spec.body ? parse(spec.body, raw.body ?? {}) : (undefined as B),
        actor: raw.actor,
        idempotencyKey: spec.idempotencyKey
          ? parse(IdempotencyKey, raw.idempotencyKey, 'Idempotency-Key')
          : undefined,
        receivedAt: new Date(raw.receivedAt).toISOString(),
        services,
      };
      const credentialNumber = (ctx.params as { number?: unknown }).number;
      if (!ctx.idempotencyKey || typeof credentialNumber !== 'string') return handler(ctx);
      // A command with a key: its first final outcome answers every retry (api/command-receipts.ts).
      return oncePerKey(
        services.repository,
        services.now,
        { credentialNumber, operation: spec.operationId, idempotencyKey: ctx.idempotencyKey },
        { params: ctx.params, body: ctx.body },
        () => handler(ctx),
      );
    },
  };
}

/** The actor of an authenticated route (the router guarantees one). */
export function actorOf(ctx: { actor: Actor | null }): Actor {
  if (!ctx.actor) throw new Error('route declared public but needs an actor');
  return ctx.actor;
}
