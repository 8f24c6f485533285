import type {
  EntityClass,
  ModuleContext,
  PersonalDataContribution,
  Permission,
  RouteDefinition,
} from '../../modules/core/index.js';

/**
 * What one resource contributes to the app's `resources` module: its entities, the permissions its routes
 * require, and its routes, built once per app from the module context (see src/resources/index.ts).
 */
export interface ResourceContribution {
  name: string;
  description: string;
  entities: readonly EntityClass[];
  permissions: readonly Permission[];
  routes: (context: ModuleContext) => readonly RouteDefinition[];
  /** Write-only fields (forge.yaml's `sensitive: true`): censored in every log line and audit record. */
  sensitiveFields: readonly string[];
  /** Its part in access and erasure requests, when it holds personal fields. */
  personalData?: PersonalDataContribution;
}

/** The permission each action of a resource's API requires. */
export interface ResourcePermissions {
  list: string;
  read: string;
  create: string;
  update: string;
  delete: string;
}

/** The permissions a resource declares, each described, for the auth module to grant. */
export function permissionsOf(title: string, permissions: ResourcePermissions): Permission[] {
  const actions: [keyof ResourcePermissions, string][] = [
    ['list', `List ${title}`],
    ['read', `Read ${title}`],
    ['create', `Create ${title}`],
    ['update', `Change ${title}`],
    ['delete', `Delete ${title}`],
  ];
  const described = new Map<string, string[]>();
  for (const [action, description] of actions)
    described.set(permissions[action], [...(described.get(permissions[action]) ?? []), description]);
  return [...described].map(([name, descriptions]) => ({ name, description: descriptions.join('; ') }));
}
