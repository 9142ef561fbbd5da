import { useState } from 'react';
import type { Component, Service } from '../api/types.ts';
import { componentsOf } from '../lib/catalog.ts';

/** The searchable list of triggers and actions; choosing one adds it to the canvas. */
export function CatalogPanel(props: {
  services: Service[];
  hasTrigger: boolean;
  onAdd: (service: Service, component: Component) => void;
}) {
  const [search, setSearch] = useState('');
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const kind = props.hasTrigger ? 'action' : 'trigger';
  const groups = props.services
    .map((service) => ({
      service,
      components: componentsOf(service).filter((c) => {
        if (c.kind !== kind) return false;
        const text = `${service.name} ${service.key} ${c.name} ${c.key} ${c.description ?? ''}`.toLowerCase();
        return words.every((w) => text.includes(w));
      }),
    }))
    .filter((g) => g.components.length > 0);
  return (
    <aside className="catalog" aria-label="Catalog">
      <h2 className="panel-title">{props.hasTrigger ? 'Add a step' : 'Choose a trigger'}</h2>
      <label className="sr-only" htmlFor="catalog-search">
        Search the catalog
      </label>
      <input
        id="catalog-search"
        type="search"
        placeholder={props.hasTrigger ? 'Search actions…' : 'Search triggers…'}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {groups.length === 0 ? <p className="muted small">Nothing matches “{search}”.</p> : null}
      {groups.map(({ service, components }) => (
        <div key={service.key} className="catalog-group">
          <h3>{service.name}</h3>
          <ul>
            {components.map((c) => (
              <li key={c.key}>
                <button
                  type="button"
                  className="catalog-item"
                  onClick={() => props.onAdd(service, c)}
                  title={c.description}
                >
                  <span className="catalog-name">{c.name}</span>
                  {c.description ? <span className="catalog-desc">{c.description}</span> : null}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </aside>
  );
}
