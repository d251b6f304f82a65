import { ErrorBody, ProjectId } from '@fixloop/contracts';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** Error responses documented on every route. */
export const errors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  422: ErrorBody,
  429: ErrorBody,
};

/** Route params, with `projectId` added when the routes are mounted under `/projects/{projectId}`. */
export function paramsOf<T extends z.ZodRawShape>(scoped: boolean, shape: T) {
  return scoped ? z.object({ projectId: ProjectId, ...shape }) : z.object(shape);
}

export const NoContent = z.null().meta({ description: 'no content' });
