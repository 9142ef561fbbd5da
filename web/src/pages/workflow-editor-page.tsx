import {
  Background,
  Controls,
  type EdgeChange,
  type Connection as FlowConnection,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { type ApiError, api, type Page } from '../api/client.ts';
import { hasRoute } from '../api/openapi.ts';
import type {
  Component,
  Connection,
  Definition,
  DefinitionNode,
  DefinitionTrigger,
  Service,
  Workflow,
} from '../api/types.ts';
import { AssistantPanel } from '../assistant/assistant-panel.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { NODE_TYPES } from '../components/step-node.tsx';
import { Button, ErrorNotice, Loading, StatusBadge } from '../components/ui.tsx';
import { CatalogPanel } from '../editor/catalog-panel.tsx';
import { EdgePanel } from '../editor/edge-panel.tsx';
import { RunNowDialog, VersionsDialog } from '../editor/editor-dialogs.tsx';
import { FitOnGrow } from '../editor/fit-on-grow.tsx';
import { NodePanel } from '../editor/node-panel.tsx';
import { problemsByNode } from '../editor/problems-by-node.ts';
import { WorkflowPanel } from '../editor/workflow-panel.tsx';
import { loadCatalog } from '../lib/catalog.ts';
import { definitionOf, edgeId, toFlow } from '../lib/graph.ts';
import { Link, navigate } from '../lib/router.tsx';
import { useAction, useApi } from '../lib/use-api.ts';
import { useMeasuredNodes } from '../lib/use-measured-nodes.ts';

function newKey(definition: Definition, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1') || 'step';
  const used = new Set([definition.trigger?.key, ...definition.nodes.map((n) => n.key)]);
  if (!used.has(clean)) return clean;
  let n = 2;
  while (used.has(`${clean}_${n}`)) n += 1;
  return `${clean}_${n}`;
}

function webhookUrlOf(workflow: Workflow | undefined): string | undefined {
  if (workflow?.webhookUrl) return workflow.webhookUrl;
  return workflow?.webhookToken ? `${location.origin}/hooks/${workflow.webhookToken}` : undefined;
}

function download(name: string, data: unknown): void {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Editor(props: {
  workflow: Workflow;
  services: Service[];
  connections: Connection[];
  reload: () => void;
}) {
  const [workflow, setWorkflow] = useState(props.workflow);
  const [definition, setDefinition] = useState<Definition>(() => definitionOf(props.workflow));
  const [dirty, setDirty] = useState(false);
  const [selected, setSelectedNode] = useState<string | null>(null);
  const [selectedEdgeId, setSelectedEdgeId] = useState<string | null>(null);
  const setSelected = (key: string | null) => {
    setSelectedNode(key);
    if (key) setSelectedEdgeId(null);
  };
  const [problemSource, setProblemSource] = useState<ApiError | undefined>();
  const [notice, setNotice] = useState<string>();
  const [running, setRunning] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [assistantOpen, setAssistantOpen] = useState(false);

  useEffect(() => {
    setWorkflow(props.workflow);
    setDefinition(definitionOf(props.workflow));
    setDirty(false);
  }, [props.workflow]);

  const change = (next: Definition) => {
    setDefinition(next);
    setDirty(true);
    setNotice(undefined);
  };

  const problems = useMemo(
    () => problemsByNode(definition, problemSource?.problems ?? []),
    [definition, problemSource],
  );
  const names = useCallback(
    (service?: string, component?: string) =>
      props.services.find((s) => s.key === service)?.components?.find((c) => c.key === component)?.name,
    [props.services],
  );
  const flow = useMemo(() => {
    const f = toFlow(definition, (key) => ({ problems: problems.byNode.get(key)?.length }), names);
    for (const n of f.nodes) n.selected = n.id === selected;
    for (const e of f.edges) e.selected = e.id === selectedEdgeId;
    return f;
  }, [definition, problems, selected, selectedEdgeId, names]);

  const [nodes, onSizes] = useMeasuredNodes(flow.nodes);
  const onNodesChange = (changes: NodeChange[]) => {
    onSizes(changes);
    let next = definition;
    let moved = false;
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        const position = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
        moved = true;
        if (next.trigger?.key === c.id) next = { ...next, trigger: { ...next.trigger, position } };
        else next = { ...next, nodes: next.nodes.map((n) => (n.key === c.id ? { ...n, position } : n)) };
      }
      if (c.type === 'select' && c.selected) setSelected(c.id);
      if (c.type === 'remove') next = removeNode(next, c.id);
    }
    if (moved || next !== definition) change(next);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    const removed = new Set(changes.filter((c) => c.type === 'remove').map((c) => c.id));
    if (removed.size > 0)
      change({ ...definition, edges: definition.edges.filter((e) => !removed.has(edgeId(e))) });
  };
  const onConnect = (c: FlowConnection) => {
    if (!c.source || !c.target || c.source === c.target) return;
    if (definition.edges.some((e) => e.from === c.source && e.to === c.target)) return;
    change({ ...definition, edges: [...definition.edges, { from: c.source, to: c.target }] });
  };

  const removeNode = (def: Definition, key: string): Definition => {
    const edges = def.edges.filter((e) => e.from !== key && e.to !== key);
    if (def.trigger?.key === key) {
      const { trigger: _gone, ...rest } = def;
      return { ...rest, edges };
    }
    return { ...def, nodes: def.nodes.filter((n) => n.key !== key), edges };
  };

  const add = (service: Service, component: Component) => {
    if (component.kind === 'trigger') {
      const trigger: DefinitionTrigger = {
        key: 'trigger',
        service: service.key,
        component: component.key,
        config: {},
        position: { x: 0, y: 0 },
      };
      change({ ...definition, trigger });
      setSelected(trigger.key);
      return;
    }
    const key = newKey(definition, component.key);
    // Chained after the selected node (the trigger when it is alone); otherwise placed free, to connect by dragging.
    const last = selected ?? (definition.nodes.length === 0 ? definition.trigger?.key : undefined);
    const from = [definition.trigger, ...definition.nodes].find((n) => n?.key === last);
    const lowest = Math.max(0, ...[definition.trigger, ...definition.nodes].map((n) => n?.position?.y ?? 0));
    const position = from?.position
      ? { x: from.position.x + 280, y: from.position.y }
      : { x: 280 * Math.max(1, definition.nodes.length), y: lowest + 140 };
    const node: DefinitionNode = {
      key,
      type: 'action',
      service: service.key,
      component: component.key,
      config: {},
      position,
    };
    change({
      ...definition,
      nodes: [...definition.nodes, node],
      edges: last ? [...definition.edges, { from: last, to: key }] : definition.edges,
    });
    setSelected(key);
  };

  const updateNode = (node: DefinitionTrigger | DefinitionNode) => {
    if (
      JSON.stringify(node) ===
      JSON.stringify(
        definition.trigger?.key === node.key
          ? definition.trigger
          : definition.nodes.find((n) => n.key === node.key),
      )
    )
      return;
    if (definition.trigger?.key === node.key) change({ ...definition, trigger: node as DefinitionTrigger });
    else
      change({
        ...definition,
        nodes: definition.nodes.map((n) => (n.key === node.key ? (node as DefinitionNode) : n)),
      });
  };

  const persist = async () => {
    const method = (await hasRoute('PUT', `/api/v1/workflows/${workflow.id}`)) ? 'PUT' : 'PATCH';
    const saved = await api<Workflow>(method, `/workflows/${workflow.id}`, { body: definition });
    setWorkflow((w) => ({ ...w, ...saved }));
    setDirty(false);
    setProblemSource(undefined);
    return saved;
  };
  const save = useAction(async () => {
    try {
      await persist();
      setNotice('Draft saved');
    } catch (error) {
      setProblemSource(error as ApiError);
      throw error;
    }
  });
  const activate = useAction(async () => {
    try {
      if (dirty) await persist();
      const answer = await api<Workflow>('POST', `/workflows/${workflow.id}/activate`, { body: {} });
      setWorkflow((w) => ({ ...w, ...answer, status: answer.status ?? 'active' }));
      setProblemSource(undefined);
      setNotice('Active: it runs on its trigger now');
      props.reload();
    } catch (error) {
      setProblemSource(error as ApiError);
      throw error;
    }
  });
  const pause = useAction(async () => {
    const answer = await api<Workflow>('POST', `/workflows/${workflow.id}/pause`, { body: {} });
    setWorkflow((w) => ({ ...w, ...answer, status: answer.status ?? 'paused' }));
    setNotice('Paused: its trigger no longer starts runs');
  });
  const exportJson = useAction(async () => {
    const data = await api<unknown>('GET', `/workflows/${workflow.id}/export`);
    download(`${definition.name.replace(/[^A-Za-z0-9_-]+/g, '-').toLowerCase() || 'workflow'}.json`, data);
  });

  const selectedEdge = selectedEdgeId
    ? definition.edges.find((e) => edgeId(e) === selectedEdgeId)
    : undefined;
  const selectedNode = selected
    ? definition.trigger?.key === selected
      ? definition.trigger
      : definition.nodes.find((n) => n.key === selected)
    : undefined;
  const webhookUrl = webhookUrlOf(workflow);
  const actionError = save.error ?? activate.error ?? pause.error ?? exportJson.error;
  const fieldErrorsShown = actionError && actionError.problems.length > 0 && problems.general.length === 0;

  return (
    <div className="editor">
      <div className="editor-bar">
        <div className="editor-title">
          <Link to="/workflows" className="muted small">
            ← Workflows
          </Link>
          <label className="sr-only" htmlFor="workflow-name">
            Workflow name
          </label>
          <input
            id="workflow-name"
            className="title-input"
            value={definition.name}
            onChange={(e) => change({ ...definition, name: e.target.value })}
          />
          <StatusBadge status={workflow.status} />
          {dirty ? <span className="muted small">Unsaved changes</span> : null}
        </div>
        <div className="editor-actions">
          <Button onClick={() => setAssistantOpen((open) => !open)} aria-pressed={assistantOpen}>
            Assistant
          </Button>
          <Button onClick={() => setVersionsOpen(true)}>Versions</Button>
          <Button onClick={() => void exportJson.run()} pending={exportJson.pending}>
            Export
          </Button>
          <Button onClick={() => setRunning(true)} disabled={!definition.trigger}>
            Run now
          </Button>
          <Button onClick={() => void save.run()} pending={save.pending} disabled={!dirty && !save.error}>
            Save draft
          </Button>
          {workflow.status === 'active' ? (
            <Button variant="secondary" onClick={() => void pause.run()} pending={pause.pending}>
              Pause
            </Button>
          ) : null}
          <Button variant="primary" onClick={() => void activate.run()} pending={activate.pending}>
            {workflow.status === 'active' ? (dirty ? 'Save and publish' : 'Publish again') : 'Activate'}
          </Button>
        </div>
      </div>
      {notice ? (
        <div className="notice notice-good" role="status">
          {notice}
        </div>
      ) : null}
      {actionError && !fieldErrorsShown ? <ErrorNotice error={actionError} what="This action" /> : null}
      {fieldErrorsShown ? (
        <div className="notice notice-error" role="alert">
          {actionError.message}. The nodes marked in red show where.
        </div>
      ) : null}
      {!dirty && !notice && !actionError && workflow.warnings?.length ? (
        <div className="notice notice-info" role="status">
          <strong>Before this workflow can be activated:</strong>
          <ul>
            {workflow.warnings.map((w) => (
              <li key={w.path + w.message}>
                <code>{w.path}</code> {w.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {webhookUrl ? (
        <div className="webhook-bar">
          <span className="muted small">Webhook URL</span>
          <code data-testid="webhook-url">{webhookUrl}</code>
          <CopyButton text={webhookUrl} />
        </div>
      ) : null}
      <div className="editor-body">
        <CatalogPanel services={props.services} hasTrigger={Boolean(definition.trigger)} onAdd={add} />
        <section className="canvas" aria-label="Workflow graph">
          {flow.nodes.length === 0 ? (
            <div className="canvas-empty">
              <h3>Start with a trigger</h3>
              <p className="muted">
                Choose what starts this workflow from the catalog on the left: a webhook, a schedule, new
                items…
              </p>
            </div>
          ) : null}
          <ReactFlowProvider>
            <ReactFlow
              nodes={nodes}
              edges={flow.edges}
              nodeTypes={NODE_TYPES}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onNodeClick={(_e, node) => setSelected(node.id)}
              onPaneClick={() => {
                setSelected(null);
                setSelectedEdgeId(null);
              }}
              onEdgeClick={(_e, edge) => {
                setSelected(null);
                setSelectedEdgeId(edge.id);
              }}
              deleteKeyCode={['Delete']}
              fitView
              fitViewOptions={{ padding: 0.3, maxZoom: 1.1 }}
            >
              <Background gap={20} size={1} />
              <Controls />
              <FitOnGrow count={flow.nodes.length} />
            </ReactFlow>
          </ReactFlowProvider>
        </section>
        {assistantOpen ? (
          <aside className="node-panel" aria-label="Assistant panel">
            <AssistantPanel workflowId={workflow.id} onCreated={(id) => navigate(`/workflows/${id}`)} />
          </aside>
        ) : selectedNode ? (
          <NodePanel
            key={selectedNode.key}
            definition={definition}
            node={selectedNode}
            isTrigger={definition.trigger?.key === selectedNode.key}
            services={props.services}
            connections={props.connections}
            problems={problems.byNode.get(selectedNode.key) ?? []}
            onChange={updateNode}
            onDelete={() => {
              change(removeNode(definition, selectedNode.key));
              setSelected(null);
            }}
          />
        ) : selectedEdge ? (
          <EdgePanel
            key={edgeId(selectedEdge)}
            edge={selectedEdge}
            onChange={(edge) => {
              change({ ...definition, edges: definition.edges.map((e) => (e === selectedEdge ? edge : e)) });
              setSelectedEdgeId(edgeId(edge));
            }}
            onDelete={() => {
              change({ ...definition, edges: definition.edges.filter((e) => e !== selectedEdge) });
              setSelectedEdgeId(null);
            }}
          />
        ) : (
          <WorkflowPanel definition={definition} problems={problems.general} onChange={change} />
        )}
      </div>
      <RunNowDialog workflowId={workflow.id} open={running} onClose={() => setRunning(false)} />
      <VersionsDialog
        workflowId={workflow.id}
        open={versionsOpen}
        onClose={() => setVersionsOpen(false)}
        onRestored={props.reload}
      />
    </div>
  );
}

export function WorkflowEditorPage(props: { id: string }) {
  const workflow = useApi((signal) => api<Workflow>('GET', `/workflows/${props.id}`, { signal }), [props.id]);
  const catalog = useApi(() => loadCatalog(), []);
  const connections = useApi(
    (signal) =>
      api<Page<Connection>>('GET', '/connections', { signal, query: { limit: 100 } }).catch(() => ({
        items: [],
        nextCursor: null,
      })),
    [],
  );
  if ((workflow.loading && !workflow.data) || (catalog.loading && !catalog.data))
    return <Loading label="Opening the editor…" />;
  if (!workflow.data)
    return <ErrorNotice error={workflow.error} what="The workflow editor" onRetry={workflow.reload} />;
  return (
    <>
      <ErrorNotice error={catalog.error} what="The catalog" />
      <Editor
        workflow={workflow.data}
        services={catalog.data ?? []}
        connections={connections.data?.items ?? []}
        reload={workflow.reload}
      />
    </>
  );
}
