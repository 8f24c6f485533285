/** The observability module's generated operations files and README, rendered from a manifest in memory. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generator/pipeline.js';
import { loadRegistry } from '../../src/generator/registry.js';
import { parseManifest } from '../../src/generator/manifest.js';

const registry = await loadRegistry();

async function render(config: string): Promise<(path: string) => string> {
  const text = `name: watched\nmodules:\n  - name: observability\n    config:\n${config}`;
  const { tree } = await generate(parseManifest(text, registry), text, registry);
  return (path) => tree.read(path);
}

interface Rule {
  alert: string;
  expr: string;
  for: string;
}
const rulesOf = (alerts: string) => Object.fromEntries((parse(alerts) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));

describe('ops/prometheus/alerts.yml', () => {
  it('when the manifest sets alert thresholds, then each rule compares against its value and waits its window', async () => {
    const read = await render(
      '      alert_error_rate: 0.03\n      alert_latency_p95_seconds: 0.75\n      alert_event_loop_lag_seconds: 0.15\n      alert_db_pool_saturation: 0.85\n      alert_for_minutes: 7\n',
    );
    const rules = rulesOf(read('ops/prometheus/alerts.yml'));
    expect(rules.HighErrorRate?.expr).toMatch(/> 0\.03\s*$/);
    expect(rules.HighLatencyP95?.expr).toMatch(/> 0\.75\s*$/);
    expect(rules.EventLoopSaturated?.expr).toMatch(/> 0\.15\s*$/);
    expect(rules.DatabasePoolSaturated?.expr).toMatch(/> 0\.85\s*$/);
    for (const name of ['AppNotReady', 'HighErrorRate', 'HighLatencyP95', 'EventLoopSaturated', 'DatabasePoolSaturated']) expect(rules[name]?.for).toBe('7m');
  });

  it('when the manifest sets nothing, then the defaults of the descriptor are written', async () => {
    const rules = rulesOf((await render('      pretty_logs: false\n'))('ops/prometheus/alerts.yml'));
    expect(rules.HighErrorRate?.expr).toMatch(/> 0\.05\s*$/);
    expect(rules.HighLatencyP95?.expr).toMatch(/> 0\.5\s*$/);
    expect(rules.EventLoopSaturated?.expr).toMatch(/> 0\.2\s*$/);
    expect(rules.DatabasePoolSaturated?.expr).toMatch(/> 0\.9\s*$/);
    expect(rules.HighErrorRate?.for).toBe('5m');
  });
});

describe('README section', () => {
  it('when the manifest reads access_log from a variable of its own, then the README names that variable', async () => {
    const readme = (await render('      access_log: ${ACCESS_LOG:-compact}\n      metrics_allowlist: ${SCRAPERS:-10.0.0.0/8}\n'))('README.md');
    expect(readme).toContain('`ACCESS_LOG=compact`');
    expect(readme).toContain('inside `SCRAPERS`');
    expect(readme).not.toContain('OBSERVABILITY_ACCESS_LOG');
    expect(readme).not.toContain('OBSERVABILITY_METRICS_ALLOWLIST');
  });

  it('when it describes the alert keys, then it does not promise environment variables they do not have', async () => {
    const readme = (await render('      pretty_logs: false\n'))('README.md');
    expect(readme).toContain('`OBSERVABILITY_ACCESS_LOG=compact`');
    expect(readme).not.toMatch(/environment variables change nothing/);
  });
});

interface Dashboard {
  panels: { title: string; targets: { expr: string }[] }[];
}

describe('process metrics in the alerts and the dashboard', () => {
  const processSeries = /process_|nodejs_/;

  it('when default_metrics is off, then no rule or panel reads a series the app no longer exports', async () => {
    const read = await render('      default_metrics: false\n');
    expect(Object.keys(rulesOf(read('ops/prometheus/alerts.yml')))).not.toContain('EventLoopSaturated');
    expect(read('ops/prometheus/alerts.yml')).not.toMatch(processSeries);
    const dashboard = JSON.parse(read('ops/grafana/provisioning/dashboards/app.json')) as Dashboard;
    expect(dashboard.panels.map((panel) => panel.title)).not.toContain('Event loop lag p99');
    expect(dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr)).filter((expr) => processSeries.test(expr))).toEqual([]);
  });

  it('when default_metrics is on, then the event-loop alert and the CPU, memory and event-loop panels are there', async () => {
    const read = await render('      default_metrics: true\n');
    expect(Object.keys(rulesOf(read('ops/prometheus/alerts.yml')))).toContain('EventLoopSaturated');
    const dashboard = JSON.parse(read('ops/grafana/provisioning/dashboards/app.json')) as Dashboard;
    expect(dashboard.panels.map((panel) => panel.title)).toEqual(expect.arrayContaining(['Process CPU', 'Process memory (RSS, heap)', 'Event loop lag p99']));
    expect(dashboard.panels.find((panel) => panel.title === 'Requests per second by route')?.targets[0]).toMatchObject({ legendFormat: '{{route}}' });
  });
});
