import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** One call the fake answered, for assertions. */
export interface LoggedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  status: number;
}

type StripeObject = Record<string, unknown> & { id: string };

/** Stripe's form encoding (`items[0][price]=...`) back into objects and arrays. */
function parseForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.split(/\[|\]\[|\]/).filter((part) => part !== '');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= /^\d+$/.test(parts[i + 1] ?? '') ? [] : {}) as Record<string, unknown>;
    });
  }
  return root;
}

/** Stripe's list: newest first, `customer` filtered, `limit` (default 10) after `starting_after`. */
function listPage(all: StripeObject[], query: Record<string, unknown>, url: string): [number, unknown] {
  const sorted = all
    .filter((o) => query.customer === undefined || o.customer === query.customer)
    .map((o, i) => ({ o, i }))
    .sort((a, b) => Number(b.o.created ?? 0) - Number(a.o.created ?? 0) || b.i - a.i)
    .map(({ o }) => o);
  const start = query.starting_after === undefined ? 0 : sorted.findIndex((o) => o.id === query.starting_after) + 1;
  if (start === 0 && query.starting_after !== undefined)
    return [400, { error: { type: 'invalid_request_error', message: 'No such object for starting_after' } }];
  const limit = query.limit === undefined ? 10 : Number(query.limit);
  return [
    200,
    { object: 'list', data: sorted.slice(start, start + limit), has_more: start + limit < sorted.length, url },
  ];
}

/** An invoice's amounts, as integers, from the form's `amount_due` (the fake's own shortcut). */
function totals(fields: Record<string, unknown>) {
  const amount = Number(fields.amount_due ?? 0);
  return {
    total: amount,
    amount_due: amount,
    amount_paid: 0,
    currency: fields.currency ?? 'usd',
    status: 'draft',
    number: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
  };
}

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/**
 * A stateful Stripe on loopback for the app's tests: customers, products, prices, subscriptions, invoices and
 * events; Stripe's idempotency keys; a request log; fault knobs; webhooks signed as Stripe signs them.
 */
export class FakeStripe {
  readonly requests: LoggedRequest[] = [];
  readonly objects = new Map<string, StripeObject>();
  readonly events: StripeObject[] = [];
  private readonly idempotent = new Map<string, { bodyHash: string; status: number; body: unknown }>();
  private faults: number[] = [];
  private server: Server | undefined;
  private clock = Math.floor(Date.now() / 1000);

  /** The next `count` calls answer `status` (500, 429, ...) without touching state. */
  failNext(count: number, status: number): void {
    this.faults.push(...Array.from({ length: count }, () => status));
  }

  /** Moves the fake's clock (event `created`) forward. */
  advance(seconds: number): void {
    this.clock += seconds;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  /** A signed delivery of `event` as Stripe sends it: the body and its Stripe-Signature header. */
  signed(event: object, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
    return { payload, header };
  }

  private record(type: string, object: StripeObject): StripeObject {
    const event = { id: newId('evt'), object: 'event', type, created: this.clock, livemode: false, data: { object } };
    this.events.push(event);
    return event;
  }

  private subscription(fields: Record<string, unknown>, existing?: StripeObject): StripeObject {
    const items = fields.items as { price?: string; quantity?: string }[] | undefined;
    const item = items?.[0];
    const previous = (existing?.items as { data: { price: { id: string }; quantity: number }[] } | undefined)?.data[0];
    return {
      ...(existing ?? { id: newId('sub'), object: 'subscription', status: 'active', cancel_at_period_end: false }),
      ...(typeof fields.customer === 'string' ? { customer: fields.customer } : {}),
      ...(fields.cancel_at_period_end === undefined
        ? {}
        : { cancel_at_period_end: fields.cancel_at_period_end === 'true' }),
      items: {
        object: 'list',
        data: [
          {
            price: { id: item?.price ?? previous?.price.id ?? '' },
            quantity: item?.quantity === undefined ? (previous?.quantity ?? 1) : Number(item.quantity),
          },
        ],
      },
    };
  }

  private route(method: string, path: string, fields: Record<string, unknown>): [number, unknown] {
    const [, , resource, id] = path.split('/');
    const found = id === undefined ? undefined : this.objects.get(id);
    const store = (object: StripeObject) => {
      this.objects.set(object.id, object);
      return object;
    };
    const sessions: Record<string, [string, string]> = {
      checkout: ['cs', 'checkout.session'],
      billing_portal: ['bps', 'billing_portal.session'],
    };
    const session = sessions[resource ?? ''];
    if (method === 'POST' && id === 'sessions' && session !== undefined) {
      const [prefix, object] = session;
      const created = newId(prefix);
      return [200, store({ ...fields, id: created, object, url: `https://stripe.test/${prefix}/${created}` })];
    }
    if (method === 'POST' && id === undefined && resource !== undefined) {
      const prefixes: Record<string, string> = { customers: 'cus', products: 'prod', prices: 'price', invoices: 'in' };
      if (resource === 'subscriptions') {
        const created = store(this.subscription(fields));
        this.record('customer.subscription.created', created);
        return [200, created];
      }
      const prefix = prefixes[resource];
      if (prefix !== undefined)
        return [
          200,
          store({
            ...fields,
            id: newId(prefix),
            object: resource.slice(0, -1),
            created: this.clock,
            ...(prefix === 'in' ? totals(fields) : {}),
          }),
        ];
    }
    if (method === 'GET' && id === undefined && (resource === 'invoices' || resource === 'events')) {
      const all =
        resource === 'events' ? this.events : [...this.objects.values()].filter((o) => o.object === 'invoice');
      return listPage(all, fields, path);
    }
    if (found === undefined && resource === 'events' && id !== undefined) {
      const event = this.events.find((e) => e.id === id);
      if (event !== undefined) return [200, event];
    }
    if (found === undefined)
      return [404, { error: { type: 'invalid_request_error', message: `No such object: ${String(id)}` } }];
    if (method === 'GET') return [200, found];
    if (method === 'POST' && resource === 'subscriptions') {
      const updated = store(this.subscription(fields, found));
      this.record('customer.subscription.updated', updated);
      return [200, updated];
    }
    if (method === 'DELETE' && resource === 'subscriptions') {
      const canceled = store({ ...found, status: 'canceled' });
      this.record('customer.subscription.deleted', canceled);
      return [200, canceled];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path})` } },
    ];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const key = req.headers['idempotency-key'] as string | undefined;
    const answer = (status: number, payload: unknown) => {
      this.requests.push({ method, path, idempotencyKey: key, status });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req') });
      res.end(JSON.stringify(payload));
    };
    const fault = this.faults.shift();
    if (fault !== undefined) {
      answer(fault, { error: { type: 'api_error', message: 'Injected fault' } });
      return;
    }
    const bodyHash = createHash('sha256').update(`${method} ${path} ${body}`).digest('hex');
    const previous = key === undefined ? undefined : this.idempotent.get(key);
    if (previous !== undefined && previous.bodyHash !== bodyHash) {
      answer(400, {
        error: {
          type: 'idempotency_error',
          message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        },
      });
      return;
    }
    if (previous !== undefined) {
      answer(previous.status, previous.body);
      return;
    }
    const [status, payload] = this.route(method, path, parseForm(method === 'GET' ? query : body));
    if (key !== undefined && method === 'POST') this.idempotent.set(key, { bodyHash, status, body: payload });
    answer(status, payload);
  }
}
