import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a `bigint` column: the same type, value and comparison on SQLite
 * and PostgreSQL (whose driver hands bigints back as strings, hence the transformer).
 */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
