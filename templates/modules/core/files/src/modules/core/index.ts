/*
 * The core module's public surface: the module contract every other module implements, and the building blocks
 * they use. Other modules import from here only, never from core's inner files.
 */
import type { EntityTarget } from 'typeorm';
import type { AppModule, ModuleContext } from './contract.js';
import type { TenantScopedEntity } from './entities/base.entity.js';
import { Tenant } from './entities/tenant.entity.js';
import { CoreCreateTenants1767225600000 } from './migrations/1767225600000-core-create-tenants.js';
import { coreRoutes } from './routes.js';
import { CORE_SENSITIVE_FIELDS } from './security/sensitive.js';
import { TenantRepository } from './tenancy/tenant-repository.js';
import { tenantPersonalData } from './personal-data/tenant-data.js';

export type {
  AppHooks,
  AppModule,
  EntityClass,
  HookName,
  HookRegistry,
  JobPayloads,
  MigrationClass,
  ModuleContext,
  ModuleRuntime,
  Permission,
  Principal,
  SecurityScheme,
  SecuritySchemeObject,
} from './contract.js';

// Extension points modules provide for one another: audit trail, personal data, entitlements, background jobs
export {
  auditRequestOf,
  type Audit,
  type AuditActor,
  type AuditEvent,
  type AuditRecord,
  type AuditRecorder,
  type AuditRecordOptions,
} from './audit/audit.js';
export type {
  DataSubject,
  ErasureReport,
  PersonalData,
  PersonalDataContribution,
  PersonalDataContributor,
  PersonalDataExport,
} from './personal-data/personal-data.js';
export {
  allowEverything,
  requireEntitlement,
  type EntitlementChecks,
  type Entitlements,
} from './entitlements/entitlements.js';
export type { EnqueueOptions, JobHandler, JobInfo, JobName, JobOptions, JobRunner, Jobs } from './jobs/jobs.js';
export { createJobRunner } from './jobs/runner.js';
export { tenantTransaction, transactionManager } from './tenancy/tenant-transaction.js';

// HTTP: routes, validation, errors
export {
  defineRoute,
  requirePermission,
  type RouteAccess,
  type RouteDefinition,
  type RouteSpec,
  type RouteResponse,
  type RouteHandlerContext,
  type SecurityRequirement,
} from './http/route.js';
export { parseRequest, type RequestSchemas, type ParsedRequest } from './http/validation.js';
export {
  found,
  HttpError,
  NotFoundError,
  ValidationError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  type FieldError,
} from './http/problem.js';
export { rateLimit, rateLimitHeaders, tooManyRequests, byClientAddress, type KeyOf } from './rate-limit/middleware.js';
export type { Limiter, LimiterOptions, RateLimiterFactory } from './rate-limit/rate-limiter.js';

// Data: base entities, tenancy, migration helpers
export { TimestampedEntity, TenantScopedEntity, SoftDeletableTenantEntity } from './entities/base.entity.js';
export { Tenant } from './entities/tenant.entity.js';
export {
  TenantRepository,
  keysetPage,
  type WritableFields,
  type ListOptions,
  type KeysetQuery,
  type SortKey,
} from './tenancy/tenant-repository.js';
export {
  PageQuery,
  pageSchema,
  pageRequestOf,
  encodeCursor,
  decodeCursor,
  invalidCursor,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type Page,
  type PageRequest,
  type CursorPosition,
  type CursorScope,
} from './tenancy/pagination.js';
export { runWithTenant, currentTenantId, findCurrentTenantId, TENANT_ID_PATTERN } from './tenancy/tenant-context.js';
export { createTenant, type NewTenant } from './tenancy/tenants.js';
export {
  enableRowLevelSecurity,
  grantDataAccess,
  assertRowLevelSecurityRole,
  tenantTables,
} from './tenancy/row-level-security.js';
export { timestampColumns, tenantScopedColumns, softDeleteColumn, tenantIndex } from './migrations/columns.js';

// Security helpers
export { randomToken, hmac, constantTimeEqual, deriveKey } from './security/crypto.js';
export { FieldEncryption, parseEncryptionKeys, type EncryptionKey } from './security/field-encryption.js';
export { safeJoin } from './security/paths.js';
export { Csrf, CSRF_HEADER } from './security/csrf.js';

// Mail: every module sends through `context.mailer`
export { createMailer, logMailer, smtpMailer, type Mailer, type MailMessage } from './mail/mailer.js';

// App assembly, used by src/app.ts and src/main.ts
export { createLogger, type Logger, type LoggerExtension } from './logger.js';
export { noopMetrics, type Metrics, type MetricSpec, type MetricLabels } from './metrics.js';
export {
  runReadiness,
  coreReadinessChecks,
  type ReadinessCheck,
  type ReadinessReport,
  type CheckResult,
} from './health/readiness.js';
export { createHookRegistry, type HookCollector } from './hooks.js';
export { loadSecurityKeys, MIN_APP_SECRET_LENGTH } from './security/secrets.js';
export { securityHeaders, corsFromAllowlist } from './security/headers.js';
export { sensitiveFieldReplacer } from './security/sensitive.js';
export { createRateLimiterFactory } from './rate-limit/rate-limiter.js';
export { requestBasics } from './http/request-basics.js';
export { cookies } from './http/cookies.js';
export { jsonBody } from './http/json-body.js';
export { authenticate } from './http/authenticate.js';
export { parseTrustProxy } from './http/trust-proxy.js';
export { mountRoutes } from './http/mount.js';
export { errorHandler, notFoundHandler, sendProblem } from './http/error-handler.js';
export { resolveTenant } from './tenancy/resolve-tenant.js';
export { TenantDirectory } from './tenancy/tenant-directory.js';
export { buildOpenApiDocument, type ApiInfo, type ModuleRoutes } from './openapi/document.js';
export { openApiRouter } from './openapi/router.js';
export { exitGracefullyOnSignals } from './lifecycle/shutdown.js';
export { createExtensionPoints } from './extension-points.js';

/** Tenant-scoped access to `entity` for the current request's tenant. */
export function tenantRepository<T extends TenantScopedEntity>(
  context: ModuleContext,
  entity: EntityTarget<T>,
): TenantRepository<T> {
  return new TenantRepository(context.dataSource, entity, { rowLevelSecurity: context.config.core.rowLevelSecurity });
}

export const coreModule: AppModule = {
  name: 'core',
  description: 'Liveness, readiness and the CSRF token',
  entities: [Tenant],
  migrations: [CoreCreateTenants1767225600000],
  setup: (context) => ({ routes: coreRoutes(context.readiness, context.csrf), personalData: tenantPersonalData }),
  sensitiveFields: CORE_SENSITIVE_FIELDS,
};
