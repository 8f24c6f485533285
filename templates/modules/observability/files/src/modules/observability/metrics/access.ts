import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';
import { renamedVariables } from '../../../config.js';
import { constantTimeEqual, HttpError, MIN_APP_SECRET_LENGTH } from '../../core/index.js';

/** The variable this app reads the allowlist from (the manifest may have renamed it). */
export const ALLOWLIST_VARIABLE = renamedVariables.OBSERVABILITY_METRICS_ALLOWLIST ?? 'OBSERVABILITY_METRICS_ALLOWLIST';

export interface MetricsAccessOptions {
  /** METRICS_TOKEN: a scraper sending `Authorization: Bearer <token>` may read. */
  token: string | undefined;
  /** Addresses and CIDR subnets that may read without the token. */
  allowlist: readonly string[];
  production: boolean;
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0)
      throw new Error(`observability metrics_allowlist: ${entry} is not an address or CIDR subnet`);
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is checked as `10.0.0.1`. */
function clientAddress(req: Request): string {
  const address = req.ip ?? req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Who may read /metrics: a bearer token, an allowlisted address (the client address as `trust proxy` resolves it),
 * or, outside production, anyone when neither is configured. In production with neither, nobody: fail closed.
 */
export function metricsAccess({ token, allowlist, production }: MetricsAccessOptions): (req: Request) => void {
  // A short token can be guessed from outside: refuse to start, as with every other secret.
  if (token !== undefined && token.length < MIN_APP_SECRET_LENGTH) {
    throw new Error(`METRICS_TOKEN: must be at least ${String(MIN_APP_SECRET_LENGTH)} characters`);
  }
  const allowed = blockListOf(allowlist);
  const open = token === undefined && allowlist.length === 0;
  return (req) => {
    if (open) {
      if (production)
        throw new HttpError(403, { detail: `Metrics are closed: set METRICS_TOKEN or ${ALLOWLIST_VARIABLE}.` });
      return;
    }
    const header = req.get('authorization');
    if (token !== undefined && header?.startsWith('Bearer ') === true && constantTimeEqual(header.slice(7), token))
      return;
    const address = clientAddress(req);
    const family = isIP(address);
    if (family !== 0 && allowed.check(address, family === 6 ? 'ipv6' : 'ipv4')) return;
    if (token !== undefined) {
      throw new HttpError(401, {
        detail: 'A valid bearer token is required.',
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      });
    }
    throw new HttpError(403, { detail: 'This address may not read metrics.' });
  };
}
