/**
 * What a module from outside forge's catalogue imports as `platform-forge/module`: the same `defineModule` and
 * contract version forge's own modules use. forge hands this object to the descriptors it loads (outside/stage.ts),
 * so a module's zod schemas and forge's are one zod.
 */
import { z } from 'zod';
import { defineModule, moduleContractVersion } from './generator/define-module.js';

export const moduleApi = { defineModule, moduleContractVersion, z };
export const moduleApiKey = Symbol.for('platform-forge.module-api');
