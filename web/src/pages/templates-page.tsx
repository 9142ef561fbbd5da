import { useState } from 'react';
import { api, type Page } from '../api/client.ts';
import type { Template, Workflow } from '../api/types.ts';
import { GraphView } from '../components/graph-view.tsx';
import { Modal } from '../components/modal.tsx';
import { Button, Card, EmptyState, ErrorNotice, Field, Loading, PageHeader } from '../components/ui.tsx';
import { definitionOf } from '../lib/graph.ts';
import { navigate } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';

function servicesOf(template: Template): string[] {
  if (template.services?.length) return template.services;
  if (template.requiredServices?.length) return template.requiredServices;
  if (template.requiredIntegrations?.length) return template.requiredIntegrations;
  const def = definitionOf(template.definition ?? template.templateData ?? {});
  return [
    ...new Set(
      [def.trigger?.service, ...def.nodes.map((n) => n.service)].filter((s): s is string => Boolean(s)),
    ),
  ];
}

export function TemplatesPage() {
  const [category, setCategory] = useState('');
  const [service, setService] = useState('');
  const [search, setSearch] = useState('');
  const templates = useApi(
    (signal) =>
      api<Page<Template>>('GET', '/templates', {
        signal,
        query: { limit: 100, category, service, q: search },
      }),
    [category, service, search],
  );
  const all = useApi(
    (signal) => api<Page<Template>>('GET', '/templates', { signal, query: { limit: 100 } }),
    [],
  );
  const [preview, setPreview] = useState<Template | null>(null);
  const use = useAction(async (template: Template) => {
    const answer = await api<Workflow & { workflow?: Workflow }>('POST', `/templates/${template.id}/use`, {
      body: {},
    });
    navigate(`/workflows/${(answer.workflow ?? answer).id}`);
  });
  const categories = [
    ...new Set((all.data?.items ?? []).map((t) => t.category).filter((c): c is string => Boolean(c))),
  ].sort();
  const services = [...new Set((all.data?.items ?? []).flatMap(servicesOf))].sort();

  return (
    <>
      <PageHeader title="Templates" subtitle="Ready-made workflows. Use one to get a draft you can change." />
      <div className="filters">
        <Field label="Search">
          {(id) => (
            <input
              id={id}
              type="search"
              value={search}
              placeholder="health check, email…"
              onChange={(e) => setSearch(e.target.value)}
            />
          )}
        </Field>
        <Field label="Category">
          {(id) => (
            <select id={id} value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">All categories</option>
              {categories.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Service">
          {(id) => (
            <select id={id} value={service} onChange={(e) => setService(e.target.value)}>
              <option value="">All services</option>
              {services.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {templates.loading && !templates.data ? <Loading /> : null}
      <ErrorNotice error={templates.error} what="The template gallery" onRetry={templates.reload} />
      <ErrorNotice error={use.error} />
      {templates.data?.items.length === 0 ? (
        <EmptyState title="No template matches">
          Clear the filters, or start from a blank workflow on the Workflows page.
        </EmptyState>
      ) : null}
      <div className="card-grid">
        {(templates.data?.items ?? []).map((template) => (
          <Card key={template.id} className="template-card">
            <div className="template-meta">
              {template.category ? <span className="chip">{template.category}</span> : null}
              {template.difficulty ? <span className="chip chip-quiet">{template.difficulty}</span> : null}
              {template.isFeatured ? <span className="chip chip-accent">featured</span> : null}
            </div>
            <h3>{template.name}</h3>
            <p className="muted">{template.description}</p>
            <p className="template-services">{servicesOf(template).join(' · ')}</p>
            <div className="row">
              <Button onClick={() => setPreview(template)} aria-label={`Preview ${template.name}`}>
                Preview
              </Button>
              <Button
                variant="primary"
                pending={use.pending}
                onClick={() => void use.run(template)}
                aria-label={`Use ${template.name}`}
              >
                Use template
              </Button>
            </div>
          </Card>
        ))}
      </div>
      <Modal title={preview?.name ?? 'Preview'} open={preview !== null} onClose={() => setPreview(null)} wide>
        {preview ? (
          <>
            <p>{preview.description}</p>
            <GraphView
              definition={definitionOf(preview.definition ?? preview.templateData ?? {})}
              height={360}
            />
            <div className="row row-end">
              <Button onClick={() => setPreview(null)}>Close</Button>
              <Button variant="primary" pending={use.pending} onClick={() => void use.run(preview)}>
                Use template
              </Button>
            </div>
          </>
        ) : null}
      </Modal>
    </>
  );
}
