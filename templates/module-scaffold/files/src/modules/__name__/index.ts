import type { AppModule } from '../core/index.js';
import { __className__Item } from './entities/item.entity.js';
import { __className__CreateItems__timestamp__ } from './migrations/__timestamp__-__fileName__-create-items.js';
import { __propertyName__Routes } from './routes.js';

/** The __name__ module's public surface: what the app collects from it. */
export const __propertyName__Module: AppModule = {
  name: '__name__',
  description: '__title__ items each tenant keeps',
  entities: [__className__Item],
  migrations: [__className__CreateItems__timestamp__],
  permissions: [
    { name: '__name__:read', description: 'List the tenant’s __title__ items' },
    { name: '__name__:write', description: 'Create __title__ items' },
  ],
  setup: (context) => ({ routes: __propertyName__Routes(context) }),
};
