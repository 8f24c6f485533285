import { HttpError, ValidationError } from '../core/index.js';

/** The one answer for every failed login: unknown account, wrong password, locked, disabled or unknown tenant. */
export const invalidCredentials = () =>
  new HttpError(401, { title: 'Login failed', detail: 'The email or password is wrong.' });

export const invalidRefresh = () =>
  new HttpError(401, { title: 'Refresh failed', detail: 'The refresh token is invalid or expired.' });

export const invalidLink = () =>
  new HttpError(400, { title: 'Invalid link', detail: 'The link is invalid, expired or already used.' });

export const authenticationRequired = () => new HttpError(401, { detail: 'Authentication is required.' });

export const notFound = () => new HttpError(404, { detail: 'The resource does not exist.' });

/** A 422 naming the body field a policy refused. */
export function policyError(field: string, message: string): ValidationError {
  return new ValidationError([{ in: 'body', path: field, message }]);
}
