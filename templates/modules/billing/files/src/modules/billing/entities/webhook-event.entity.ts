import { randomUUID } from 'node:crypto';
import { BeforeInsert, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from './columns.js';

export type InboxStatus = 'received' | 'applied' | 'ignored';

/**
 * A verified webhook, stored before it is acknowledged: the inbox the worker applies from. Unique on
 * (provider, eventId), so a redelivered event is never stored, nor applied, twice. No tenant: it is not known
 * until the worker maps the event's customer.
 */
@Entity({ name: 'billing_webhook_events' })
@Index(['provider', 'eventId'], { unique: true })
export class BillingWebhookEvent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 20 })
  provider!: string;

  @Column({ type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'boolean' })
  livemode!: boolean;

  /** The event's `created`, Unix seconds. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  eventCreated!: number;

  /** The verified body as received. */
  @Column({ type: 'text' })
  payload!: string;

  @Column({ type: 'varchar', length: 20 })
  status!: InboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** When the worker applied or ignored it, Unix ms. */
  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  processedAt!: number | null;

  @CreateDateColumn()
  receivedAt!: Date;

  @BeforeInsert()
  protected assignId(): void {
    if (!this.id) this.id = randomUUID();
  }
}
