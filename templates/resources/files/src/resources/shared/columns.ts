import type { ValueTransformer } from 'typeorm';

/**
 * A decimal column read back as an exact string: PostgreSQL returns the string itself; SQLite returns a number,
 * exact up to the 15 digits a resource may declare, written back with the declared scale ("12.50", not 12.5).
 */
export function decimal(scale: number): ValueTransformer {
  return {
    to: (value: unknown) => value,
    from: (value: unknown) => (typeof value === 'number' ? value.toFixed(scale) : value),
  };
}
