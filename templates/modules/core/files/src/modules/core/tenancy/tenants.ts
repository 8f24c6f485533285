import type { DataSource } from 'typeorm';
import { Tenant } from '../entities/tenant.entity.js';
import { NON_TENANT_SUBDOMAINS, TENANT_ID_PATTERN } from './tenant-context.js';

export interface NewTenant {
  id: string;
  name: string;
}

/** Registers a tenant. The id is a slug (`acme`), because it travels in headers and subdomains. */
export async function createTenant(dataSource: DataSource, tenant: NewTenant): Promise<Tenant> {
  if (!TENANT_ID_PATTERN.test(tenant.id))
    throw new Error(`Tenant id "${tenant.id}" must be a lowercase slug of at most 63 characters`);
  if (NON_TENANT_SUBDOMAINS.has(tenant.id))
    throw new Error(`Tenant id "${tenant.id}" is reserved: it names the service itself as a subdomain`);
  const repository = dataSource.getRepository(Tenant);
  return repository.save(repository.create({ id: tenant.id, name: tenant.name, active: true }));
}
