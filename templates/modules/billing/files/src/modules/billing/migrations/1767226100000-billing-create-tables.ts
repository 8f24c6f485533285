import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { tenantIndex, tenantScopedColumns, timestampColumns } from '../../core/index.js';

/** Which tenant each Stripe customer pays for, subscriptions per tenant, and the inbox of verified webhooks. */
export class BillingCreateTables1767226100000 implements MigrationInterface {
  name = 'BillingCreateTables1767226100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const types = queryRunner.dataSource.driver.mappedDataTypes;
    await queryRunner.createTable(
      new Table({
        name: 'billing_customers',
        columns: [
          { name: 'stripeCustomerId', type: 'varchar', length: '255', isPrimary: true },
          { name: 'tenant', type: 'varchar', length: '63' },
          ...timestampColumns(queryRunner),
        ],
        indices: [{ columnNames: ['tenant'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'billing_subscriptions',
        columns: [
          ...tenantScopedColumns(queryRunner),
          { name: 'stripeSubscriptionId', type: 'varchar', length: '255' },
          { name: 'stripeCustomerId', type: 'varchar', length: '255' },
          { name: 'status', type: 'varchar', length: '32' },
          { name: 'stripePriceId', type: 'varchar', length: '255', isNullable: true },
          { name: 'quantity', type: 'integer' },
          { name: 'cancelAtPeriodEnd', type: 'boolean' },
          { name: 'lastEventCreated', type: 'bigint' },
        ],
        indices: [tenantIndex(), { columnNames: ['stripeSubscriptionId'], isUnique: true }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'billing_webhook_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '20' },
          { name: 'eventId', type: 'varchar', length: '255' },
          { name: 'type', type: 'varchar', length: '100' },
          { name: 'livemode', type: 'boolean' },
          { name: 'eventCreated', type: 'bigint' },
          { name: 'payload', type: 'text' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'lastError', type: 'varchar', length: '500', isNullable: true },
          { name: 'processedAt', type: 'bigint', isNullable: true },
          { name: 'receivedAt', type: String(types.createDate), default: types.createDateDefault },
        ],
        indices: [{ columnNames: ['provider', 'eventId'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('billing_webhook_events');
    await queryRunner.dropTable('billing_subscriptions');
    await queryRunner.dropTable('billing_customers');
  }
}
