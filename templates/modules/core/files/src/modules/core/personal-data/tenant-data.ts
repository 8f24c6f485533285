import { Tenant } from '../entities/tenant.entity.js';
import type { PersonalDataContribution } from './personal-data.js';

/**
 * Core's part: a tenant is an organisation, not a person, so core erases nothing when one account goes (the
 * tenant and its other accounts stay); an export names the tenant the account belongs to.
 */
export const tenantPersonalData: PersonalDataContribution = {
  async export(subject, manager) {
    const tenant = await manager.getRepository(Tenant).findOne({ where: { id: subject.tenantId } });
    return { tenant: tenant === null ? [] : [{ id: tenant.id, name: tenant.name, createdAt: tenant.createdAt }] };
  },
};
