import { z } from 'zod';

/*
 * Building blocks of every resource's request and response schemas. Each request string has a maximum length and
 * each request integer a format and bounds, so the OpenAPI document states every limit the server enforces.
 */

/** A row's id in a path or a body: the UUID the app assigned. */
export const Id = z.uuid().max(36);

export const IdParams = z.object({ id: z.string().min(1).max(64) });

/** An instant: any ISO 8601 date-time with an offset in, stored and returned in UTC with milliseconds. */
export const Instant = z.iso
  .datetime({ offset: true })
  .max(40)
  .transform((value) => new Date(value).toISOString());

/** A calendar date, YYYY-MM-DD. */
export const CalendarDate = z.iso.date().max(10);

/**
 * An exact decimal number as a string: at most `precision` digits, `scale` of them after the point, within the
 * bounds when given. Compared as numbers: at most 15 digits, which a double holds exactly.
 */
export function decimalString(precision: number, scale: number, bounds: { min?: string; max?: string } = {}) {
  const whole = Math.max(1, precision - scale);
  const fraction = scale > 0 ? `(\\.\\d{1,${String(scale)}})?` : '';
  return z
    .string()
    .max(precision + 2)
    .regex(
      new RegExp(`^-?\\d{1,${String(whole)}}${fraction}$`),
      `at most ${String(whole)} digits before the point and ${String(scale)} after`,
    )
    .refine((value) => bounds.min === undefined || Number(value) >= Number(bounds.min), `at least ${bounds.min ?? ''}`)
    .refine((value) => bounds.max === undefined || Number(value) <= Number(bounds.max), `at most ${bounds.max ?? ''}`)
    .meta({ description: 'An exact decimal number, as a string' });
}

/** A JSON object, kept as given. */
export const JsonObject = z.record(z.string().max(200), z.unknown());

/** A query parameter filtering a boolean field. */
export const BooleanFilter = z.enum(['true', 'false']).transform((value) => value === 'true');

/** A query parameter filtering an integer field. */
export const IntegerFilter = z
  .string()
  .max(11)
  .regex(/^-?\d+$/, 'a whole number')
  .transform(Number);

/** The `q` parameter of a list: text its searchable fields contain, in any case. */
export const SearchText = z
  .string()
  .min(1)
  .max(200)
  .meta({ description: 'Text the searchable fields contain, in any case' });

/** The sort parameter of a list: a sortable field, "-" in front for descending. */
export function sortParameter(sortable: readonly string[]) {
  return z
    .string()
    .max(64)
    .optional()
    .meta({ description: `One of ${sortable.join(', ')}; prefix "-" for descending. Anything else is a 400.` });
}

/** Timestamps every row carries, as the API returns them. */
export const Timestamps = {
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};
