import type { ValueTransformer } from 'typeorm';

/** A bigint column read as a number: PostgreSQL hands bigints back as strings, seconds and ms fit a double. */
export const bigintNumber: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
