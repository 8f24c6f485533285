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
import type { Mailer } from './mail/mailer.js';
import type { Audit, AuditRecorder } from './audit/audit.js';
import type { PersonalData, PersonalDataContribution } from './personal-data/personal-data.js';
import type { EntitlementChecks, Entitlements } from './entitlements/entitlements.js';
import type { Jobs } from './jobs/jobs.js';

/** What every module's `setup` receives when the app is assembled: one per app, never shared between apps. */
export interface ModuleContext {
  config: AppConfig;
  dataSource: DataSource;
  logger: Logger;
  /** Builds extra limiters (e.g. a stricter one for login) on the same store as the global limit. */
  rateLimiters: RateLimiterFactory;
  encryption: FieldEncryption;
  /** Issues CSRF tokens, e.g. right after a login sets a session cookie. */
  csrf: Csrf;
  /** Sends email (MAIL_TRANSPORT: the app log in development, SMTP in production); every module mails through it. */
  mailer: Mailer;
  /** Hooks contributed by every module's `setup`, in module order; readable once every module's setup has run. */
  hooks: HookRegistry;
  /** Records the metrics modules declared in `metrics`; a no-op unless a module provides a `metricsBackend`. */
  metrics: Metrics;
  /** Runs every readiness check (database, Redis when configured, each module's) with its timeout. */
  readiness: () => Promise<ReadinessReport>;
  /** Every permission the app's modules declare: what an auth module may grant. */
  permissions: readonly Permission[];
  /** Records security-relevant acts: checks each event, then hands it to every module's `auditRecorder`. */
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
 * returns its implementation from `setup` (`hooks: { exportPersonalData }`), and reads every module's with
 * `context.hooks.all('exportPersonalData')` when a request or `onReady` runs.
 */
export interface AppHooks {
  /** Recognises the caller (token, session cookie, API key). Returns undefined when the request carries none. */
  authenticate: (req: Request) => Promise<Principal | undefined>;
  /** Decides whether `principal` holds `permission`. A route with a permission is refused unless one hook says yes. */
  authorize: (principal: Principal, permission: string, req: Request) => Promise<boolean>;
  /** Id of the cookie session the request rides on; CSRF tokens are bound to it. */
  sessionOf: (req: Request) => string | undefined;
  /** Runs once the database is connected and migrated, before the server accepts requests. */
  onReady: () => Promise<void>;
  /** Runs during graceful shutdown, after in-flight requests finished and before the database closes. */
  onShutdown: () => Promise<void>;
}

export type HookName = keyof AppHooks;

export interface HookRegistry {
  /** Every module's `name` hook in module order; throws when read before every module's setup has run. */
  all<Name extends HookName>(name: Name): readonly AppHooks[Name][];
}

export interface Permission {
  /** `resource:action`, e.g. `invoices:read`. */
  name: string;
  description: string;
}

/** An OpenAPI security scheme a module's callers authenticate with. */
export type SecuritySchemeObject =
  | { type: 'http'; scheme: 'bearer' | 'basic'; bearerFormat?: string; description?: string }
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string; description?: string };

export interface SecurityScheme {
  scheme: SecuritySchemeObject;
  /**
   * The module's `authenticate` hook turns this credential into a principal, so routes guarded by a `permission`
   * accept it. Leave out for credentials one route checks itself (a metrics scrape token).
   */
  yieldsPrincipal?: boolean;
}

/** A migration class as TypeORM loads it. */
export type MigrationClass = new () => MigrationInterface;

/** An entity class; abstract bases are never listed, only concrete entities. */
export type EntityClass = new (...args: never[]) => object;

/**
 * What a module builds from the app's context, once per app: its `setup` returns it. Everything the module keeps
 * at run time (stores, clients, per-request state) lives in what `setup` built, never in a module-level
 * variable, so two apps in one process (tests make many) never share it.
 */
export interface ModuleRuntime {
  /** Declarative routes: validated, documented in OpenAPI and rate limited by construction. */
  routes?: readonly RouteDefinition[];
  /** Raw Express routes for what a route definition cannot express; document them in `openapi`. */
  router?: Router;
  /** Handlers run on every request right after the request id is set, before security, rate limit, auth and routes. */
  middleware?: readonly RequestHandler[];
  /** Writes each request's access log instead of core's one-line log (the first module that gives one wins). */
  accessLog?: RequestHandler;
  /** Dependencies `/ready` checks besides core's database and Redis. */
  readiness?: readonly ReadinessCheck[];
  /** The module's implementations of cross-module hooks (authenticate, authorize, onReady, onShutdown, ...). */
  hooks?: Partial<AppHooks>;
  /** Receives every record of `context.audit`, as every other module's does; with none, records go nowhere. */
  auditRecorder?: AuditRecorder;
  /** Exports and erases what the module's own tables hold about a person. */
  personalData?: PersonalDataContribution;
  /** Decides what each tenant's plan allows (the first module that gives one wins); core's default allows all. */
  entitlements?: Entitlements;
}

/**
 * Everything a module contributes to the app. Only `name` is required. Static fields are what the app needs
 * before a context exists (schema, logger, metrics registry, boot); everything else comes from `setup`. The app
 * collects both from the `modules` list in src/modules.ts and never names a module itself.
 */
export interface AppModule {
  /** snake_case, as in forge.yaml. */
  name: string;
  /** One line on what the module offers; the OpenAPI tag of its routes (named after the module) carries it. */
  description?: string;
  /** Descriptions of the OpenAPI tags its routes name beside the module's own (e.g. one tag per resource). */
  tags?: Readonly<Record<string, string>>;
  /** TypeORM entity classes (or schemas) the module owns. */
  entities?: readonly (EntityClass | EntitySchema)[];
  /** The module's migration chain, oldest first. A shipped migration never changes: new versions add one. */
  migrations?: readonly MigrationClass[];
  /** Permissions the module's routes require; an auth module seeds and grants them. */
  permissions?: readonly Permission[];
  /** Paths that serve the platform, not a tenant (a metrics scrape): tenant resolution never looks at them. */
  platformPaths?: readonly string[];
  /** Property names that must never leave the server in any JSON response. */
  sensitiveFields?: readonly string[];
  /** Extra OpenAPI registrations: shared components, docs of raw routes (give each an operationId and tags). */
  openapi?: (registry: OpenAPIRegistry) => void;
  /** How callers prove who they are, by scheme name (e.g. `bearerAuth`); routes name them in their security. */
  securitySchemes?: (config: AppConfig) => Readonly<Record<string, SecurityScheme>>;
  /** What the logger adds to every line (mixins), more redaction paths, a transport. */
  logging?: (config: AppConfig) => LoggerExtension;
  /** Metrics the module records through `context.metrics`. */
  metrics?: readonly MetricSpec[];
  /** Records every module's declared metrics (the first module that gives one wins); core's default drops them. */
  metricsBackend?: (declared: readonly MetricSpec[], config: AppConfig) => Metrics;
  /**
   * Runs first when the process boots (src/main.ts), before the database connects or any app is built: for
   * process-wide instrumentation that must patch libraries before they are used. Returns what stops it when the
   * process exits, if anything. Tests assembling the app skip it.
   */
  onBoot?: (config: AppConfig, logger: Logger) => Promise<(() => Promise<void>) | undefined>;
  /** Builds the module's runtime from this app's context: called once per createApp, in module order. */
  setup?: (context: ModuleContext) => ModuleRuntime;
}
