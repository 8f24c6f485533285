import { z } from 'zod';
import {
  defineRoute,
  PageQuery,
  pageRequestOf,
  pageSchema,
  TenantRepository,
  type ModuleContext,
  type RouteDefinition,
} from '../core/index.js';
import { __className__Item } from './entities/item.entity.js';

/** What a client sees of an item: declared, so no other column ever leaves the server. */
const ItemView = z.object({ id: z.string(), title: z.string() });

/** The module's routes, built once per app from its context. */
export function __propertyName__Routes(context: ModuleContext): RouteDefinition[] {
  const items = new TenantRepository(context.dataSource, __className__Item, {
    rowLevelSecurity: context.config.core.rowLevelSecurity,
  });
  const ItemInput = z.object({ title: z.string().trim().min(1).max(context.config.__propertyName__.maxTitleLength) });
  return [
    defineRoute({
      method: 'post',
      path: '/__fileName__/items',
      permission: '__name__:write',
      tenant: 'required',
      summary: 'Create an item',
      request: { body: ItemInput },
      status: 201,
      responses: { 201: { description: 'The new item', schema: ItemView } },
      handler: ({ body }) => items.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/__fileName__/items',
      permission: '__name__:read',
      tenant: 'required',
      summary: 'List items by title',
      request: { query: PageQuery },
      responses: {
        200: { description: 'A page of the tenant’s items', schema: pageSchema(ItemView) },
        400: { description: 'Bad limit or cursor' },
      },
      handler: ({ query }) => items.page({ list: '__name__.items', sortBy: 'title' }, pageRequestOf(query)),
    }),
  ];
}
