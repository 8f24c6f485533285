import { HttpError } from '../core/index.js';
import type { User } from './entities/user.entity.js';
import { authenticationRequired } from './errors.js';
import type { Lockout } from './lockout.js';
import type { PasswordHasher } from './passwords.js';
import type { AuthStore } from './store.js';
import type { AccessClaims } from './tokens.js';

/**
 * Asks the signed-in user for the password again before anything that changes how the account signs in (a factor,
 * the password, the address); in the current tenant. Failures count toward the lockout.
 */
export async function reauthenticate(
  deps: { store: AuthStore; lockout: Lockout; passwords: PasswordHasher },
  claims: AccessClaims,
  password: string,
): Promise<User> {
  const user = await deps.store.userById(claims.sub);
  if (user === null) throw authenticationRequired();
  const key = `${claims.tenant}:${user.email}`;
  if ((await deps.lockout.isLocked(key)) || !(await deps.passwords.verify(user.passwordHash, password)).ok) {
    await deps.lockout.fail(key);
    throw new HttpError(403, { title: 'Re-authentication failed', detail: 'The current password is wrong.' });
  }
  return user;
}
