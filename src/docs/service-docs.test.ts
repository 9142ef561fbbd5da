import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allServices } from '../integrations/all-services.ts';
import { renderServicePage, servicePagePath } from './service-docs.ts';

describe('service pages', () => {
  it('name every component, parameter and output field of a service', () => {
    for (const service of allServices) {
      const page = renderServicePage(service);
      for (const component of [...service.triggers, ...service.actions]) {
        expect(page, service.key).toContain(`\`${service.key}.${component.key}\``);
        for (const key of Object.keys(component.props))
          expect(page, `${service.key}.${component.key}`).toContain(`\`${key}\``);
        const fields = Object.keys((component.output['properties'] as object | undefined) ?? {});
        for (const field of fields) expect(page, `${service.key}.${component.key}`).toContain(`\`${field}\``);
      }
    }
  });

  it('are current in docs/services for the messaging, developer, data and IoT services', () => {
    for (const key of ['discord', 'slack', 'telegram', 'github', 'postgres', 'mqtt']) {
      const service = allServices.find((s) => s.key === key);
      expect(service, key).toBeDefined();
      const onDisk = readFileSync(servicePagePath(service!), 'utf8');
      expect(onDisk, `${key}: run node src/docs/service-docs.ts`).toBe(renderServicePage(service!));
    }
  });
});
