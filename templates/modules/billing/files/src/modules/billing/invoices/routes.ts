import { z } from 'zod';
import {
  currentTenantId,
  defineRoute,
  PageQuery,
  pageRequestOf,
  pageSchema,
  type Page,
  type PageRequest,
  type RouteDefinition,
} from '../../core/index.js';
import type { InvoiceView } from './service.js';

const Invoice = z.object({
  id: z.string(),
  number: z.string().nullable(),
  status: z.string().nullable(),
  total: z.int().describe('Minor units of the currency'),
  amountDue: z.int(),
  amountPaid: z.int(),
  currency: z.string(),
  created: z.string(),
  hostedInvoiceUrl: z.string().nullable(),
  pdfUrl: z.string().nullable(),
});

/** The tenant's invoices, read by its members (billing:read). */
export function invoiceRoutes(
  invoices: (tenantId: string, page: PageRequest) => Promise<Page<InvoiceView>>,
): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/billing/invoices',
      summary: "The tenant's invoices, newest first",
      permission: 'billing:read',
      tenant: 'required',
      request: { query: PageQuery },
      responses: {
        200: { description: 'Invoices as Stripe keeps them', schema: pageSchema(Invoice) },
        400: { description: 'Bad limit or cursor' },
        502: { description: 'Stripe did not complete the request' },
      },
      handler: ({ query }) => invoices(currentTenantId(), pageRequestOf(query)),
    }),
  ];
}
