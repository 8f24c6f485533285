import { z } from 'zod';
import type { AppModule } from '../../contract.js';
import { defineRoute } from '../../http/route.js';
import { found, NotFoundError } from '../../http/problem.js';
import { PageQuery, pageRequestOf } from '../../tenancy/pagination.js';
import { TenantRepository } from '../../tenancy/tenant-repository.js';
import { TestCreateWidgets1767225600001 } from './create-widgets.migration.js';
import { Widget } from './widget.entity.js';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const WidgetInput = z.object({ name: z.string().min(1).max(100), internalCode: z.string().max(100).optional() });
const WidgetPatch = WidgetInput.partial();

/**
 * A test-only module shaped like a real one: entity, migration, routes through tenant-scoped access.
 * Its routes return whole entities (no response schema) so the sensitive-field filter is what hides internalCode.
 */
export const widgetsModule: AppModule = {
  name: 'test_widgets',
  entities: [Widget],
  migrations: [TestCreateWidgets1767225600001],
  sensitiveFields: ['internalCode'],
  setup: (context) => {
    const widgets = new TenantRepository(context.dataSource, Widget, {
      rowLevelSecurity: context.config.core.rowLevelSecurity,
    });
    return {
      routes: [
        defineRoute({
          method: 'post',
          path: '/widgets',
          public: true,
          tenant: 'required',
          summary: 'Create a widget',
          request: { body: WidgetInput },
          status: 201,
          responses: { 201: { description: 'Created' } },
          handler: ({ body }) => widgets.create(body),
        }),
        defineRoute({
          method: 'get',
          path: '/widgets',
          public: true,
          tenant: 'required',
          summary: 'List widgets',
          request: { query: PageQuery },
          responses: {
            200: { description: 'Widgets of the tenant, by name' },
            400: { description: 'Bad limit or cursor' },
          },
          handler: ({ query }) => widgets.page({ list: 'test.widgets', sortBy: 'name' }, pageRequestOf(query)),
        }),
        defineRoute({
          method: 'get',
          path: '/widgets/:id',
          public: true,
          tenant: 'required',
          summary: 'Read a widget',
          request: { params: IdParams },
          responses: { 200: { description: 'The widget' } },
          handler: async ({ params }) => found(await widgets.findById(params.id)),
        }),
        defineRoute({
          method: 'patch',
          path: '/widgets/:id',
          public: true,
          tenant: 'required',
          summary: 'Change a widget',
          request: { params: IdParams, body: WidgetPatch },
          responses: { 200: { description: 'The changed widget' } },
          handler: async ({ params, body }) => found(await widgets.update(params.id, body)),
        }),
        defineRoute({
          method: 'delete',
          path: '/widgets/:id',
          public: true,
          tenant: 'required',
          summary: 'Delete a widget',
          request: { params: IdParams },
          status: 204,
          responses: { 204: { description: 'Deleted' } },
          handler: async ({ params }) => {
            if (!(await widgets.delete(params.id))) throw new NotFoundError();
          },
        }),
      ],
    };
  },
};
