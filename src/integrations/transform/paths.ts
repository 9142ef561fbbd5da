/** Dot paths (`customer.address.city`, `items.0.name`) over plain data; never touches prototypes. */

const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

export function getPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || FORBIDDEN.has(part)) return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = target;
  for (const [index, part] of parts.entries()) {
    if (FORBIDDEN.has(part)) throw new Error(`"${path}": ${part} is not allowed in a field path`);
    if (index === parts.length - 1) {
      current[part] = value;
      return;
    }
    const next = current[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
}
