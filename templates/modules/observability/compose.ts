import type { ComposeService } from '../../../src/generator/define-module.js';

/** Prometheus scraping the app with the rules in ops/prometheus, and Grafana showing the dashboard in ops/grafana. */
export function observabilityServices(): Record<string, ComposeService> {
  return {
    prometheus: {
      image: 'prometheus',
      // The scrape job reads the app's METRICS_TOKEN from metrics-token next to its config (Prometheus expands no
      // variables): the read-only config folder is copied and the token written into the copy at start.
      entrypoint: [
        '/bin/sh',
        '-c',
        'mkdir -p /prometheus/config && cp /etc/prometheus/*.yml /prometheus/config/ && printf %s "$$METRICS_TOKEN" > /prometheus/config/metrics-token && exec /bin/prometheus --config.file=/prometheus/config/prometheus.yml --storage.tsdb.path=/prometheus',
      ],
      environment: { METRICS_TOKEN: '${METRICS_TOKEN:-}' },
      volumes: ['./ops/prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
      ports: ['127.0.0.1:9090:9090'],
    },
    grafana: {
      image: 'grafana',
      environment: { GF_SECURITY_ADMIN_PASSWORD: '${GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env}', GF_USERS_ALLOW_SIGN_UP: 'false' },
      volumes: ['./ops/grafana/provisioning:/etc/grafana/provisioning:ro', 'grafana-data:/var/lib/grafana'],
      ports: ['127.0.0.1:3001:3000'],
      depends_on: ['prometheus'],
      variables: [
        { name: 'GRAFANA_ADMIN_PASSWORD', kind: 'string', required: true, secret: true, generate: 'token', description: "Password of Grafana's admin user in docker-compose" },
      ],
    },
  };
}
