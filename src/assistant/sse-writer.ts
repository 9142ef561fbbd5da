import type { ServerResponse } from 'node:http';

/** Writes server-sent events to a response taken over from the framework. */
export class SseWriter {
  readonly #raw: ServerResponse;
  #closed = false;

  constructor(raw: ServerResponse) {
    this.#raw = raw;
    raw.on('close', () => {
      this.#closed = true;
    });
  }

  open(headers: Record<string, string> = {}): void {
    this.#raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies (nginx) would otherwise hold the tokens back until the end.
      'x-accel-buffering': 'no',
      ...headers,
    });
    this.#raw.flushHeaders();
  }

  get closed(): boolean {
    return this.#closed;
  }

  send(event: string, data: unknown): void {
    if (this.#closed) return;
    this.#raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  end(): void {
    if (!this.#closed) this.#raw.end();
    this.#closed = true;
  }
}
