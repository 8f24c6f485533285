import type { DataSource } from 'typeorm';
import { BillingWebhookEvent } from '../entities/webhook-event.entity.js';
import type { VerifiedEvent } from './verify.js';

export const PROVIDER = 'stripe';

/**
 * Stores a verified event unless it is stored already; answers the inbox row and whether it still needs
 * applying. The unique (provider, eventId) index decides between concurrent deliveries of one event.
 */
export async function storeInInbox(
  dataSource: DataSource,
  event: VerifiedEvent,
  body: Buffer,
): Promise<{ id: string; pending: boolean }> {
  const repository = dataSource.getRepository(BillingWebhookEvent);
  const existing = async () => {
    const row = await repository.findOneByOrFail({ provider: PROVIDER, eventId: event.id });
    return { id: row.id, pending: row.status === 'received' };
  };
  const found = await repository.findOneBy({ provider: PROVIDER, eventId: event.id });
  if (found !== null) return { id: found.id, pending: found.status === 'received' };
  try {
    const row = await repository.save(
      repository.create({
        provider: PROVIDER,
        eventId: event.id,
        type: event.type,
        livemode: event.livemode,
        eventCreated: event.created,
        payload: body.toString('utf8'),
        status: 'received',
        attempts: 0,
        lastError: null,
        processedAt: null,
      }),
    );
    return { id: row.id, pending: true };
  } catch (error) {
    // Another delivery of the same event won the insert: that one's row is the event's.
    if ((await repository.countBy({ provider: PROVIDER, eventId: event.id })) === 1) return await existing();
    throw error;
  }
}
