import type { Request, RequestHandler, Router } from 'express';
import type { DataSource, EntitySchema, MigrationInterface } from 'typeorm';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppConfig } from '../../config.js';
import type { Logger, LoggerExtension } from './logger.js';
import type { Metrics, MetricSpec } from './metrics.js';
import type { ReadinessCheck, ReadinessReport } from './health/readiness.js';
import type { RateLimiterFactory } from './rate-limit/rate-limiter.js';
import type { RouteDefinition } from './http/route.js';
import type { FieldEncryption } from './security/field-encryption.js';
import type { Csrf } from './security/csrf.js';
import type { Audit, AuditRecorder } from './audit/audit.js';
import type { PersonalData, PersonalDataContribution } from './personal-data/personal-data.js';
import type { EntitlementChecks, Entitlements } from './entitlements/entitlements.js';
import type { Jobs } from './jobs/jobs.js';

/** What every module receives when the app is assembled. */
export interface ModuleContext {
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  /** Builds extra limiters (e.g. a stricter one for login) on the same store as the global limit. */
  rateLimiters: RateLimiterFactory;
  encryption: FieldEncryption;
  /** Issues CSRF tokens, e.g. right after a login sets a session cookie. */
  csrf: Csrf;
  /** Hooks contributed by every module, in module order. */
  hooks: HookRegistry;
  /** Records the metrics modules declared in `metrics`; a no-op unless a module provides a `metricsBackend`. */
  metrics: Metrics;
  /** Runs every readiness check (database, Redis when configured, each module's) with its timeout. */
  readiness: () => Promise<ReadinessReport>;
  /** Every permission the app's modules declare: what an auth module may grant. */
  permissions: readonly Permission[];
  /** Records security-relevant acts: checks each event, then hands it to a module's `auditRecorder` (if any). */
  audit: Audit;
  /** Every module's personal-data exporter and eraser, and access and erasure requests across them all. */
  personalData: PersonalData;
  /** What a tenant's plan allows, from a module's `entitlements`; without one, everything. */
  entitlements: EntitlementChecks;
  /** Background jobs: BullMQ on Redis when REDIS_URL is set, this process otherwise. */
  jobs: Jobs;
}

/**
 * Background job names and their payloads; a module declares its own by declaration merging:
 *
 *   declare module '../core/contract.js' { interface JobPayloads { 'billing.apply-event': { eventId: string } } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by each module's declaration merging
export interface JobPayloads {}

/** The identity a request acts as, once a module's `authenticate` hook has recognised it. */
export interface Principal {
  subject: string;
  tenantId?: string;
  /** How the request proved who it is: cookie sessions are subject to CSRF checks, bearer tokens are not. */
  via: 'bearer' | 'session' | 'api-key';
}

/**
 * Cross-module extension points. A later module adds its own hook type by declaration merging:
 *
 *   declare module '../core/contract.js' { interface AppHooks { onInvoicePaid: (invoiceId: string) => Promise<void> } }
 *
 * and reads every module's implementation with `context.hooks.all('onInvoicePaid')`.
 */
export interface AppHooks {
  /** Recognises the caller (token, session cookie, API key). Returns undefined when the request carries none. */
  authenticate: (req: Request) => Promise<Principal | undefined>;
  /** Decides whether `principal` holds `permission`. A route with a permission is refused unless one hook says yes. */
  authorize: (principal: Principal, permission: string, req: Request) => Promise<boolean>;
  /** Id of the cookie session the request rides on; CSRF tokens are bound to it. */
  sessionOf: (req: Request) => string | undefined;
  /**
   * Runs first when the process boots (src/main.ts), before the database connects or any route is registered:
   * for instrumentation that must patch libraries before they are used. Tests assembling the app skip it.
   */
  onBoot: (config: AppConfig, logger: Logger) => Promise<void>;
  /** Runs once the database is connected and migrated, before the server accepts requests. */
  onReady: (context: ModuleContext) => Promise<void>;
  /** Runs during graceful shutdown, after in-flight requests finished and before the database closes. */
  onShutdown: (context: ModuleContext) => Promise<void>;
}

export type HookName = keyof AppHooks;

export interface HookRegistry {
  all<Name extends HookName>(name: Name): readonly AppHooks[Name][];
}

export interface Permission {
  /** `resource:action`, e.g. `invoices:read`. */
  name: string;
  description: string;
}

/** A migration class as TypeORM loads it. */
export type MigrationClass = new () => MigrationInterface;

/** An entity class; abstract bases are never listed, only concrete entities. */
export type EntityClass = new (...args: never[]) => object;

/**
 * Everything a module contributes to the app. Only `name` is required; the app collects the rest from the
 * `modules` list in src/modules.ts and never names a module itself.
 */
export interface AppModule {
  /** snake_case, as in forge.yaml. */
  name: string;
  /** TypeORM entity classes (or schemas) the module owns. */
  entities?: readonly (EntityClass | EntitySchema)[];
  /** The module's migration chain, oldest first. A shipped migration never changes; new versions add one. */
  migrations?: readonly MigrationClass[];
  /** Declarative routes: validated, documented in OpenAPI and rate limited by construction. */
  routes?: (context: ModuleContext) => readonly RouteDefinition[];
  /** Raw Express routes for what a route definition cannot express; document them in `openapi`. */
  router?: (context: ModuleContext) => Router;
  /** Extra OpenAPI registrations: shared components, security schemes, docs of raw routes. */
  openapi?: (registry: OpenAPIRegistry) => void;
  /** Permissions the module's routes require; an auth module seeds and grants them. */
  permissions?: readonly Permission[];
  /** Paths that serve the platform, not a tenant (a metrics scrape): tenant resolution never looks at them. */
  platformPaths?: readonly string[];
  /** Property names that must never leave the server in any JSON response. */
  sensitiveFields?: readonly string[];
  hooks?: Partial<AppHooks>;
  /** Handlers run on every request right after the request id is set, before security, rate limit, auth and routes. */
  middleware?: (context: ModuleContext) => readonly RequestHandler[];
  /** Writes each request's access log instead of core's one-line log (the first module that gives one wins). */
  accessLog?: (context: ModuleContext) => RequestHandler;
  /** What the logger adds to every line (mixins), more redaction paths, a transport. */
  logging?: (config: AppConfig) => LoggerExtension;
  /** Dependencies `/ready` checks besides core's database and Redis. */
  readiness?: (context: ModuleContext) => readonly ReadinessCheck[];
  /** Metrics the module records through `context.metrics`. */
  metrics?: readonly MetricSpec[];
  /** Records every module's declared metrics (the first module that gives one wins); core's default drops them. */
  metricsBackend?: (declared: readonly MetricSpec[], config: AppConfig) => Metrics;
  /** Keeps the audit trail `context.audit` feeds (the first module that gives one wins); core's default drops it. */
  auditRecorder?: (context: ModuleContext) => AuditRecorder;
  /** Exports and erases what the module's own tables hold about a person. */
  personalData?: (context: ModuleContext) => PersonalDataContribution;
  /** Decides what each tenant's plan allows (the first module that gives one wins); core's default allows all. */
  entitlements?: (context: ModuleContext) => Entitlements;
}
