import { STATUS_CODES } from 'node:http';

/** One entry of a problem's `errors` list: which input, where in it, and what is wrong. */
export interface FieldError {
  in: 'body' | 'query' | 'params' | 'headers';
  path: string;
  message: string;
}

/** The body of an RFC 9457 `application/problem+json` response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An error a handler throws on purpose. Its status, title and detail are safe to show to the client;
 * anything else that is thrown becomes a 500 whose details stay in the log.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    options: {
      type?: string;
      title?: string;
      detail?: string;
      extensions?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    const title = options.title ?? STATUS_CODES[status] ?? 'Error';
    super(options.detail ?? title);
    this.name = 'HttpError';
    this.status = status;
    this.type = options.type ?? 'about:blank';
    this.title = title;
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

/** 404 for a missing row, and equally for another tenant's row: the answer must not reveal which. */
export class NotFoundError extends HttpError {
  constructor(detail = 'The resource does not exist.') {
    super(404, { detail });
  }
}

/** Returns `value`, or throws a 404 when it is null: `return found(await repository.findById(id));`. */
export function found<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new NotFoundError();
  return value;
}

export class ValidationError extends HttpError {
  constructor(errors: FieldError[]) {
    super(422, {
      type: 'urn:problem:validation-failed',
      title: 'Validation failed',
      detail: `${String(errors.length)} input error(s).`,
      extensions: { errors },
    });
  }
}
