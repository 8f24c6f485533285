/** Exit codes, documented in `forge --help`. */
export const ExitCode = { ok: 0, drift: 1, badInput: 2, internal: 3 } as const;

/** One problem in user input, located in a file when it came from one. */
export interface Problem {
  file?: string;
  line?: number;
  column?: number;
  /** Dotted path inside the document, e.g. modules[1].config.session_timeout. */
  path?: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  const subject = [where, p.path].filter(Boolean).join(' ');
  return subject ? `${subject}: ${p.message}` : p.message;
}

/** Bad input: a manifest, a flag, a target directory. Exit code 2. */
export class InputError extends Error {
  readonly code: string;
  readonly problems: Problem[];
  constructor(code: string, problems: Problem[] | string) {
    const list = typeof problems === 'string' ? [{ message: problems }] : problems;
    super(list.map(formatProblem).join('\n'));
    this.code = code;
    this.problems = list;
  }
}

/** A step of the pipeline failed on a specific path (e.g. a wiring anchor is gone). Exit code 2. */
export class GenerateError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    readonly detail: string,
  ) {
    super(`${path}: ${detail}`);
  }
}

/** What `--json` prints instead of a message: the error's code, its text, and each problem with its position. */
export function errorJson(e: unknown): { error: { code: string; message: string }; problems: Problem[] } {
  if (e instanceof InputError) return { error: { code: e.code, message: e.message }, problems: e.problems };
  if (e instanceof GenerateError) return { error: { code: e.code, message: e.message }, problems: [{ file: e.path, message: e.detail }] };
  const message = e instanceof Error ? e.message : String(e);
  return { error: { code: 'internal', message }, problems: [{ message }] };
}
