/**
 * A provider answered with an error. The message is meant for the person reading the run: it names
 * the service, the HTTP status and the provider's own explanation. Credentials never appear in it.
 */
export class ApiError extends Error {
  readonly service: string;
  readonly status: number;
  /** Worth trying again later (rate limits, provider outages); the engine's step retry applies. */
  readonly retryable: boolean;
  /** The provider's parsed error body, for callers that branch on its codes. */
  readonly body: unknown;

  constructor(options: { service: string; status: number; message: string; body?: unknown }) {
    super(`${options.service} answered ${options.status}: ${options.message}`);
    this.name = 'ApiError';
    this.service = options.service;
    this.status = options.status;
    this.retryable = options.status === 429 || options.status >= 500;
    this.body = options.body;
  }
}

/** The usual places providers put a human message: Google/OpenAI/Anthropic `error.message`, Notion `message`. */
export function defaultErrorMessage(body: unknown, text: string): string {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const error = record['error'];
    if (error && typeof error === 'object') {
      const message = (error as Record<string, unknown>)['message'];
      if (typeof message === 'string' && message) return message;
    }
    if (typeof error === 'string' && error) {
      const description = record['error_description'];
      return typeof description === 'string' ? `${error}: ${description}` : error;
    }
    for (const key of ['message', 'detail', 'description']) {
      const value = record[key];
      if (typeof value === 'string' && value) return value;
    }
  }
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed ? trimmed.slice(0, 300) : 'no explanation was given';
}
