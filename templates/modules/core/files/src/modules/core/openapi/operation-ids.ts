import type { HttpMethod } from '../http/route.js';

const wordsOf = (text: string) => text.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * A stable operationId from method and path, which client generators turn into method names:
 * `GET /widgets/:id` → `getWidgetsById`, `POST /auth/mfa/totp/setup` → `postAuthMfaTotpSetup`, `GET /` → `getRoot`.
 */
export function operationIdOf(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '')
    .flatMap((segment) => (segment.startsWith(':') ? ['by', ...wordsOf(segment.slice(1))] : wordsOf(segment)));
  return method + (words.length === 0 ? 'Root' : words.map(capitalized).join(''));
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Paths = Record<string, Partial<Record<(typeof METHODS)[number], { operationId?: string; tags?: string[] }>>>;

/**
 * Every operation of the finished document (declared routes and raw routers' registrations alike) has an
 * operationId no other operation has; two that collide stop the boot, naming both.
 */
export function assertUniqueOperationIds(paths: Paths): void {
  const owners = new Map<string, string>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const id = item[method]?.operationId;
      if (id === undefined) continue;
      const owner = `${method.toUpperCase()} ${path}`;
      const other = owners.get(id);
      if (other !== undefined) throw new Error(`OpenAPI operationId ${id} is used by both ${other} and ${owner}`);
      owners.set(id, owner);
    }
  }
}

/** The tags operations use, in order of first use. */
export function usedTags(paths: Paths): string[] {
  const tags = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const method of METHODS) for (const tag of item[method]?.tags ?? []) tags.add(tag);
  }
  return [...tags];
}
