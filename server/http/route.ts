import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject, ZodOpenApiRequestBodyObject } from 'zod-openapi';
import type { Action } from '../../common/api/permissions.js';
import { ERROR_CODES, type ErrorCode } from '../../common/errors.js';
import type { Actor } from '../auth/actor.js';
import { assertCredentialScope } from '../auth/policy.js';
import { actorOf } from '../auth/request-actor.js';
import { rejectWritesWhenReadOnly } from '../maintenance/read-only.js';
import { fieldIssues, problemSchema, validationError } from './problem.js';
import { findUnstorableText } from './text-safety.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** The input of a handler: validated parameters, query and body, and the actor making the request. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  req: Request;
  res: Response;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path below /api/v1, e.g. `/projects/{projectId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /**
   * The action of the permission table (server/auth/permissions.ts) that the handler checks.
   * docs/permissions.md lists each route under it, and a test fails for a route without one.
   */
  permission?: Action;
  params?: P;
  query?: Q;
  body?: B;
  /** Replaces the JSON request body in the OpenAPI document, e.g. for multipart uploads. */
  requestBody?: ZodOpenApiRequestBodyObject;
  /** Middleware that runs before validation, e.g. the upload parser. */
  before?: RequestHandler[];
  success: { status: number; description: string; schema?: z.ZodType; extraContent?: Record<string, z.ZodType> };
  /** The error codes this route can respond with, documented as problem+json responses. */
  errors: ErrorCode[];
  /**
   * `allowed` lets a write run while the portal is read-only for maintenance: signing in and out,
   * managing notices (so admins can end the maintenance) and a user's own reading state. Every
   * other POST, PATCH, PUT and DELETE gets 503 then.
   */
  readOnly?: 'allowed';
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** A route ready to be mounted on a router and described in the OpenAPI document. */
export interface Route {
  method: Method;
  path: string;
  permission: Action | undefined;
  mount(router: Router): void;
  operation(): ZodOpenApiOperationObject;
}

const empty = z.object({});

/**
 * Defines a route whose params, query and body are validated by the same zod schemas that the
 * OpenAPI document is generated from, so the document cannot drift from what the API accepts.
 */
export function defineRoute<P extends z.ZodType = typeof empty, Q extends z.ZodType = typeof empty, B extends z.ZodType = typeof empty>(
  spec: RouteSpec<P, Q, B>,
): Route {
  return {
    method: spec.method,
    path: spec.path,
    permission: spec.permission,
    mount(router) {
      // Path parameters are checked before any `before` middleware, which may read by id.
      const guard = isGuardedWrite(spec) ? [rejectWritesWhenReadOnly] : [];
      router[spec.method](toExpressPath(spec.path), checkParams(spec.params), ...guard, ...(spec.before ?? []), createHandler(spec));
    },
    operation() {
      return describeOperation(spec);
    },
  };
}

function checkParams(schema: z.ZodType | undefined): RequestHandler {
  return (req, _res, next) => {
    if (schema) parse(schema, req.params, 'params');
    next();
  };
}

function isGuardedWrite(spec: { method: Method; readOnly?: 'allowed' }): boolean {
  return spec.method !== 'get' && spec.readOnly !== 'allowed';
}

function createHandler<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RequestHandler {
  return async (req, res) => {
    if (spec.permission) assertCredentialScope(actorOf(req), spec.permission);
    const params = parse(spec.params ?? empty, req.params, 'params');
    const query = parse(spec.query ?? empty, req.query, 'query');
    const body = spec.body ? parse(spec.body, checkedText(req.body ?? {}), 'body') : {};

    const result = await spec.handler({
      params: params as z.output<P>,
      query: query as z.output<Q>,
      body: body as z.output<B>,
      actor: actorOf(req),
      req,
      res,
    });
    if (res.headersSent) return;
    if (result === undefined) {
      res.status(spec.success.status).end();
      return;
    }
    res.status(spec.success.status).json(result);
  };
}

function parse(schema: z.ZodType, value: unknown, location: string): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(fieldIssues(parsed.error, location));
  return parsed.data;
}

function checkedText(body: unknown): unknown {
  const issue = findUnstorableText(body, 'body');
  if (issue) throw validationError([issue]);
  return body;
}

function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function describeOperation<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): ZodOpenApiOperationObject {
  const responses: ZodOpenApiOperationObject['responses'] = {
    [`${spec.success.status}` as `2${string}`]: {
      description: spec.success.description,
      ...(spec.success.schema
        ? {
            content: {
              'application/json': { schema: spec.success.schema },
              ...Object.fromEntries(Object.entries(spec.success.extraContent ?? {}).map(([type, schema]) => [type, { schema }])),
            },
          }
        : {}),
    },
  };
  const guarded: ErrorCode[] = isGuardedWrite(spec) ? ['unavailable'] : [];
  for (const code of new Set<ErrorCode>(['validation_failed', ...spec.errors, ...guarded, 'internal'])) {
    responses[`${ERROR_CODES[code]}` as `4${string}`] = {
      description: code,
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }

  const requestParams: NonNullable<ZodOpenApiOperationObject['requestParams']> = {};
  if (spec.params) requestParams.path = spec.params as unknown as z.ZodObject;
  if (spec.query) requestParams.query = spec.query as unknown as z.ZodObject;

  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description || spec.permission
      ? { description: [spec.description, spec.permission ? `Permission: \`${spec.permission}\` (see docs/permissions.md).` : undefined].filter(Boolean).join('\n\n') }
      : {}),
    tags: spec.tags,
    requestParams,
    ...(spec.requestBody
      ? { requestBody: spec.requestBody }
      : spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
        : {}),
    responses,
  };
}

/** Collects the routes into the `paths` object of the OpenAPI document. */
export function openApiPaths(routes: Route[]): ZodOpenApiPathsObject {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = route.operation();
  }
  return paths;
}
