import type { AppModule } from './modules/core/index.js';

export const modules: AppModule[] = [];
