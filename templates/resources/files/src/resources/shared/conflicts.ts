import { QueryFailedError } from 'typeorm';
import { HttpError } from '../../modules/core/index.js';

/** Whether a write failed on a unique index: PostgreSQL's 23505, SQLite's SQLITE_CONSTRAINT_UNIQUE. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether a write failed on a foreign key: PostgreSQL's 23503, SQLite's SQLITE_CONSTRAINT_FOREIGNKEY. */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown }).code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export const duplicate = (what: string, fields: readonly string[]) =>
  new HttpError(409, {
    type: 'urn:problem:duplicate',
    title: 'Already exists',
    detail: `Another ${what} has the same ${fields.join(' or ')}.`,
  });

export const staleVersion = (what: string) =>
  new HttpError(409, {
    type: 'urn:problem:stale-version',
    title: 'Changed since read',
    detail: `The ${what} was changed since you read it; read it again and apply your change to the new version.`,
  });

export const stillReferenced = (what: string) =>
  new HttpError(409, {
    type: 'urn:problem:still-referenced',
    title: 'Still referenced',
    detail: `Other rows still point to this ${what}.`,
  });

/**
 * Runs a write and turns the database's refusals into answers: a unique index into 409 duplicate, a foreign key
 * that still points here (on_delete: restrict) into 409 still-referenced.
 */
export async function writing<R>(what: string, unique: readonly string[], work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(what, unique);
    if (isForeignKeyViolation(error)) throw stillReferenced(what);
    throw error;
  }
}
