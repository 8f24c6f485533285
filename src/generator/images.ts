/**
 * Every container image a generated docker-compose.yml can run, pinned here and nowhere else (as versions.ts pins
 * npm packages): a module names its images by these keys, so bumping one is a one-line change reviewed in one
 * place, and naming an image the catalogue lacks fails to compile.
 */
export const images = {
  grafana: 'grafana/grafana:12.2.1',
  postgres: 'postgres:17-alpine',
  prometheus: 'prom/prometheus:v3.7.3',
  redis: 'redis:7-alpine',
} as const;

export type ComposeImage = keyof typeof images;
