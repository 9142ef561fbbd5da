import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorBody, type FieldProblem } from './errors.ts';

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/nodes/2/config` -> `nodes[2].config`, with the property a `required` rule names appended. */
export function pathOf(issue: AjvIssue, context: string | undefined): string {
  const parts = (issue.instancePath ?? '').split('/').filter(Boolean);
  if (issue.keyword === 'required' && typeof issue.params?.['missingProperty'] === 'string') {
    parts.push(issue.params['missingProperty']);
  }
  if (issue.keyword === 'additionalProperties' && typeof issue.params?.['additionalProperty'] === 'string') {
    parts.push(issue.params['additionalProperty']);
  }
  let path = '';
  for (const part of parts) {
    path += /^\d+$/.test(part) ? `[${part}]` : path ? `.${part}` : part;
  }
  if (!path) path = context === 'body' ? '(body)' : (context ?? '(request)');
  return path;
}

function problemsOf(error: FastifyError): FieldProblem[] {
  const issues = (error.validation ?? []) as AjvIssue[];
  return issues.map((issue) => ({
    path: pathOf(issue, error.validationContext),
    message:
      issue.keyword === 'additionalProperties'
        ? 'is not an allowed property'
        : issue.keyword === 'required'
          ? 'is required'
          : (issue.message ?? 'is invalid'),
    ...(issue.keyword ? { rule: issue.keyword } : {}),
  }));
}

/** One place turns every thrown thing into `{ error: { code, message, details } }`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof AppError) {
      status = error.status;
      body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      };
      if (error.headers) void reply.headers(error.headers);
    } else if ((error as FastifyError).validation) {
      const problems = problemsOf(error as FastifyError);
      const invalid = AppError.invalid(problems);
      status = 400;
      body = { error: { code: 'validation_failed', message: invalid.message, details: { problems } } };
    } else {
      const fe = error as FastifyError;
      const code = fe.statusCode ?? 500;
      if (code === 429) {
        status = 429;
        body = { error: { code: 'rate_limited', message: fe.message || 'Too many requests' } };
      } else if (code === 413) {
        status = 413;
        body = { error: { code: 'payload_too_large', message: fe.message } };
      } else if (code === 415) {
        status = 415;
        body = { error: { code: 'unsupported_media_type', message: fe.message } };
      } else if (code >= 400 && code < 500) {
        status = code;
        body = { error: { code: code === 404 ? 'not_found' : 'bad_request', message: fe.message } };
      } else {
        status = 500;
        body = { error: { code: 'internal', message: 'Internal server error' } };
      }
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: body.error.code, status }, body.error.message);
    }
    void reply.status(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}` },
    } satisfies ErrorBody);
  });
}
