/** Comparisons of rendered values, for condition and filter. No user text is evaluated. */

export const OPERATORS = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
  'is_empty',
  'is_not_empty',
  'is_true',
  'is_false',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Comparison {
  left?: unknown;
  operator: Operator;
  right?: unknown;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  if (value instanceof Date) return value.getTime();
  return undefined;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function truthy(value: unknown): boolean {
  if (typeof value === 'string') return ['true', '1', 'yes', 'on'].includes(value.trim().toLowerCase());
  return value === true || value === 1;
}

/** Numbers compare as numbers (also numeric strings), ISO dates as times, the rest as text. */
function order(left: unknown, right: unknown): number | undefined {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) return a - b;
  if (typeof left === 'string' && typeof right === 'string') {
    const da = Date.parse(left);
    const db = Date.parse(right);
    if (!Number.isNaN(da) && !Number.isNaN(db) && /\d{4}-\d{2}-\d{2}/.test(left)) return da - db;
    return left.localeCompare(right);
  }
  return undefined;
}

function equal(left: unknown, right: unknown): boolean {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== undefined && b !== undefined) return a === b;
  if (typeof left === 'boolean' || typeof right === 'boolean') return truthy(left) === truthy(right);
  return asText(left) === asText(right);
}

export function compare({ left, operator, right }: Comparison): boolean {
  switch (operator) {
    case 'equals':
      return equal(left, right);
    case 'not_equals':
      return !equal(left, right);
    case 'contains':
      return Array.isArray(left) ? left.some((x) => equal(x, right)) : asText(left).includes(asText(right));
    case 'not_contains':
      return !compare({ left, operator: 'contains', right });
    case 'starts_with':
      return asText(left).startsWith(asText(right));
    case 'ends_with':
      return asText(left).endsWith(asText(right));
    case 'greater_than':
      return (order(left, right) ?? Number.NaN) > 0;
    case 'greater_or_equal':
      return (order(left, right) ?? Number.NaN) >= 0;
    case 'less_than':
      return (order(left, right) ?? Number.NaN) < 0;
    case 'less_or_equal':
      return (order(left, right) ?? Number.NaN) <= 0;
    case 'is_empty':
      return isEmpty(left);
    case 'is_not_empty':
      return !isEmpty(left);
    case 'is_true':
      return truthy(left);
    case 'is_false':
      return !truthy(left);
  }
}

/** all: every comparison holds; any: at least one does. No comparisons: true. */
export function evaluate(
  comparisons: readonly Comparison[],
  combine: 'all' | 'any',
): { result: boolean; matched: number } {
  const matched = comparisons.filter(compare).length;
  const result =
    comparisons.length === 0 || (combine === 'all' ? matched === comparisons.length : matched > 0);
  return { result, matched };
}
