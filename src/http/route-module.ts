import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { AppContext } from '../app-context.ts';

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** What the HTTP layer hands to each route file: the typed Fastify app and the app's resources. */
export type HttpContext = AppContext & { version: string };

/** A route file exports one of these; http/routes/index.ts lists them all. */
export type RouteModule = (app: App, ctx: HttpContext) => void | Promise<void>;
