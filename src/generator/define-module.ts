import type { z } from 'zod';
import type { Database } from '../manifest/schema.js';
import type { CatalogPackage } from './versions.js';
import type { ComposeImage } from './images.js';

/** How an environment variable's string is read by the generated app's config schema. */
export type EnvKind = 'string' | 'url' | 'number' | 'integer' | 'boolean' | 'list' | 'enum';

/** One environment variable the generated app reads. */
export interface EnvVar {
  name: string;
  description: string;
  kind: EnvKind;
  /** Allowed values when kind is 'enum'. */
  values?: readonly string[];
  /** Inclusive bounds of a number or integer. */
  minimum?: number;
  maximum?: number;
  /** Shortest accepted string (e.g. a secret's length), checked by the config schema. */
  minLength?: number;
  /** Format of a string, or of every item of a list, checked by the config schema; `hint` is the error shown. */
  pattern?: { regex: RegExp; hint: string };
  /** Used when the variable is unset; a variable with no default and `required` refuses to boot without it. */
  default?: string | number | boolean | readonly string[];
  required?: boolean;
  /** Secrets are left blank in .env.example and never written into a generated file. */
  secret?: boolean;
  /** How `forge new` fills the variable in the project's local .env: a random token, or a one-key keyring (1:base64). */
  generate?: 'token' | 'keyring';
  /** Names an earlier version of the app read this variable under: setting one stops the boot, naming this one. */
  formerNames?: readonly string[];
}

/** The app settings of the manifest a module's contributions may depend on. */
export interface AppSettings {
  database: Database;
}

/**
 * One docker-compose service a module brings, with everything that goes with it. The service named `app` is the
 * generated application itself: it also receives every environment variable of the app (as `${VAR:-default}`),
 * the `appEnvironment` of each other service that runs, and waits for each one with a health check.
 */
export interface ComposeService {
  /** A key of the image catalogue (images.ts), where every image is pinned; `build` instead for the app itself. */
  image?: ComposeImage;
  build?: string;
  command?: readonly string[];
  entrypoint?: readonly string[];
  environment?: Readonly<Record<string, string>>;
  healthcheck?: { test: readonly string[]; interval: string; timeout: string; retries: number };
  /** `name:/path` mounts a named volume (declared in the file for you); `./path:/path` a folder of the app. */
  volumes?: readonly string[];
  ports?: readonly string[];
  depends_on?: readonly string[];
  restart?: string;
  /** Variables set on the app service while this service runs (e.g. the URL the app reaches it at). */
  appEnvironment?: Readonly<Record<string, string>>;
  /** Variables docker compose itself reads for this service (e.g. its passwords): in .env.example and the local .env. */
  variables?: readonly EnvVar[];
  /** Runs only when a module of the app names it in `composeUses`: a store the declaring module can use, not needs. */
  onlyWhenUsed?: boolean;
}

/**
 * The version of the module contract: this descriptor's shape, and what a module's files may count on in the
 * generated app (core's contract.ts: AppModule, setup(context) and its extension points). A module from outside
 * the catalogue states the version it was written for (`contract`), and forge refuses one written for another.
 */
export const moduleContractVersion = 1;

/** The tiers of the catalogue ('core' here is a tier, not the module). */
export const moduleTiers = ['core', 'enterprise'] as const;

/** A module's config after its manifest values have been validated and defaulted. */
export type ResolvedConfig = Record<string, unknown>;

export interface ModuleDescriptor<Schema extends z.ZodObject = z.ZodObject> {
  /** snake_case, equal to the folder name under templates/modules/ (or under the module source it comes from). */
  name: string;
  /** The module contract version it was written for; required of a module from outside the catalogue. */
  contract?: number;
  summary: string;
  tier: (typeof moduleTiers)[number];
  /** 'planned' modules are listed by `forge modules` but cannot be selected yet. */
  status: 'implemented' | 'planned';
  /** Included in every app whether the manifest names it or not. */
  alwaysIncluded?: boolean;
  dependsOn: readonly string[];
  /** The manifest `config` of this module: every key with a safe default and a description. */
  config: Schema;
  dependencies?: readonly CatalogPackage[];
  devDependencies?: readonly CatalogPackage[];
  /**
   * Versions of packages forge's catalogue (versions.ts) lacks, for a module from outside it: forge refuses an
   * entry another module pins differently.
   */
  catalogue?: Readonly<Record<string, string>>;
  /** Environment variables the module reads besides its config keys (which become variables of their own). */
  env?: readonly EnvVar[];
  /** The docker-compose services the module brings, for the app's settings (e.g. a database server only on it). */
  compose?: (app: AppSettings) => Readonly<Record<string, ComposeService>>;
  /** Services another module brings (`onlyWhenUsed`) that this module needs running, e.g. a shared store. */
  composeUses?: readonly string[];
  /**
   * Output paths (a file, or a folder ending in `/`) of this module's files/ that are written only for some app
   * settings, e.g. a database server's init scripts.
   */
  filesWhen?: Readonly<Record<string, Partial<AppSettings>>>;
  /**
   * Config keys that shape generated files (e.g. alert thresholds) rather than the running app: they become no
   * environment variable, and a `${VAR}` for them is refused.
   */
  generateOnly?: readonly string[];
  /**
   * Config keys that hold a secret: forge.yaml names them only as `${VAR}` (no default, no value), and their
   * variable (the one named, or `<MODULE>_<KEY>`) is required, secret and written into no generated file.
   */
  secretKeys?: readonly string[];
  /** Database tables the module creates; `forge remove-module` names them as the data left behind. */
  tables?: readonly string[];
  /**
   * Values the app's own tests run with, by canonical variable name, for variables that have no default and must
   * not get one (e.g. a test-mode API key for a local fake). Never a real credential: they are written into the
   * app's test helper.
   */
  testEnv?: Readonly<Record<string, string>>;
  /** package.json scripts this module contributes. */
  scripts?: Readonly<Record<string, string>>;
}

export function defineModule<Schema extends z.ZodObject>(descriptor: ModuleDescriptor<Schema>): ModuleDescriptor<Schema> {
  return descriptor;
}
