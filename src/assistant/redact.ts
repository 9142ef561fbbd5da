const SECRET_KEY =
  /pass(word)?|secret|token|api[-_]?key|authorization|cookie|credential|private[-_]?key|signature/i;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_LIKE = /\b(sk|pk|rk|area|ghp|gho|xox[abpr])[-_][A-Za-z0-9_-]{12,}/g;
const MAX_STRING = 2000;

/**
 * A copy of run data fit to show the model: values under secret-looking keys and strings that look
 * like credentials are replaced, long strings cut. Run inputs hold rendered `{{ secrets.X }}` values.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return '[...]';
  if (typeof value === 'string') {
    const cleaned = value.replace(BEARER, '$1 [redacted]').replace(KEY_LIKE, '[redacted]');
    return cleaned.length > MAX_STRING ? `${cleaned.slice(0, MAX_STRING)}... [cut]` : cleaned;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && inner !== null && typeof inner !== 'boolean'
        ? '[redacted]'
        : redact(inner, depth + 1);
  }
  return out;
}
