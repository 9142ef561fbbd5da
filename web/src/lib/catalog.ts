import { api, type Page } from '../api/client.ts';
import type { Component, Service } from '../api/types.ts';

/** A service's components, whichever way the catalog lists them. */
export function componentsOf(service: Service): Component[] {
  if (service.components) return service.components;
  return [
    ...(service.triggers ?? []).map((c) => ({ ...c, kind: 'trigger' as const })),
    ...(service.actions ?? []).map((c) => ({ ...c, kind: 'action' as const })),
  ];
}

let cache: Promise<Service[]> | null = null;

/** Every service with its components (the catalog changes only when the server restarts). */
export function loadCatalog(): Promise<Service[]> {
  cache ??= (async () => {
    const list = await api<Page<Service> | Service[]>('GET', '/services', { query: { limit: 100 } });
    const services = Array.isArray(list) ? list : list.items;
    return Promise.all(
      services.map((s) =>
        s.components || s.triggers ? s : api<Service>('GET', `/services/${encodeURIComponent(s.key)}`),
      ),
    );
  })().catch((error) => {
    cache = null;
    throw error;
  });
  return cache;
}

export function findComponent(
  services: Service[],
  serviceKey: string | undefined,
  componentKey: string | undefined,
) {
  const service = services.find((s) => s.key === serviceKey);
  const component = service ? componentsOf(service).find((c) => c.key === componentKey) : undefined;
  return { service, component };
}
