/*
 * The data source the TypeORM CLI loads for `npm run migration:*`. It reads the same config as the app
 * (including a local .env), so migrations always target the database the app would use, as its owner.
 */
import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { createDataSource } from './data-source.js';

if (existsSync('.env')) process.loadEnvFile('.env');

export default createDataSource(loadConfig(), undefined, { owner: true });
