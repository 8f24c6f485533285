import type Stripe from 'stripe';
import { decodeCursor, encodeCursor, invalidCursor, type Page, type PageRequest } from '../../core/index.js';
import type { DataSource } from 'typeorm';
import { customerOfTenant } from '../customers/service.js';
import { stripeFailure } from '../stripe-errors.js';

export interface InvoiceView {
  id: string;
  number: string | null;
  status: string | null;
  /** Minor units of `currency`: integers, never floats. */
  total: number;
  amountDue: number;
  amountPaid: number;
  currency: string;
  created: string;
  hostedInvoiceUrl: string | null;
  pdfUrl: string | null;
}

const LIST = 'billing.invoices';

const viewOf = (invoice: Stripe.Invoice): InvoiceView => ({
  id: invoice.id,
  number: invoice.number,
  status: invoice.status,
  total: invoice.total,
  amountDue: invoice.amount_due,
  amountPaid: invoice.amount_paid,
  currency: invoice.currency,
  created: new Date(invoice.created * 1000).toISOString(),
  hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
  pdfUrl: invoice.invoice_pdf ?? null,
});

/**
 * The tenant's invoices as Stripe keeps them, newest first, a page at a time. Stripe is asked only for the
 * tenant's own customer, so no cursor can reach another tenant's invoices; the cursor is core's, bound to this
 * list and tenant, and carries Stripe's own position (the last invoice id).
 */
export async function listInvoices(
  dataSource: DataSource,
  stripe: Stripe,
  tenantId: string,
  page: PageRequest,
): Promise<Page<InvoiceView>> {
  const after = decodeCursor(page.cursor, { list: LIST, tenantId, valueType: 'number' });
  if (after !== undefined && !/^in_[A-Za-z0-9_]+$/.test(after.id)) throw invalidCursor();
  const customer = await customerOfTenant(dataSource, tenantId);
  if (customer === undefined) return { items: [], nextCursor: null };
  try {
    const list = await stripe.invoices.list({
      customer,
      limit: page.limit,
      ...(after === undefined ? {} : { starting_after: after.id }),
    });
    const items = list.data.map(viewOf);
    const last = list.data.at(-1);
    const nextCursor =
      list.has_more && last !== undefined
        ? encodeCursor({ list: LIST, tenantId }, { value: last.created, id: last.id })
        : null;
    return { items, nextCursor };
  } catch (error) {
    return stripeFailure(error);
  }
}
