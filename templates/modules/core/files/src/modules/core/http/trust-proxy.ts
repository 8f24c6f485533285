/**
 * Reads TRUST_PROXY into Express's `trust proxy` setting: `true`/`false`, a hop count (`1`), or a list of
 * addresses, subnets or the names `loopback`, `linklocal`, `uniquelocal`. Behind a load balancer this decides
 * which address the rate limiter counts, so it must name the proxies, not trust everyone.
 */
export function parseTrustProxy(value: string): boolean | number | string[] {
  const trimmed = value.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false' || trimmed === '') return false;
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed.split(',').map((part) => part.trim());
}
