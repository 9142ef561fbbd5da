import { Background, Controls, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useMemo } from 'react';
import type { Definition } from '../api/types.ts';
import { findComponent, loadCatalog } from '../lib/catalog.ts';
import { type StepNodeData, toFlow } from '../lib/graph.ts';
import { useApi } from '../lib/use-api.ts';
import { useMeasuredNodes } from '../lib/use-measured-nodes.ts';
import { NODE_TYPES } from './step-node.tsx';

/** A read-only picture of a workflow (template preview, run page). */
export function GraphView(props: {
  definition: Definition;
  decorate?: (key: string) => Partial<StepNodeData>;
  onSelect?: (key: string) => void;
  height?: number;
}) {
  const catalog = useApi(() => loadCatalog().catch(() => []), []);
  const flow = useMemo(
    () =>
      toFlow(props.definition, props.decorate, (service, component) =>
        catalog.data ? findComponent(catalog.data, service, component).component?.name : undefined,
      ),
    [props.definition, props.decorate, catalog.data],
  );
  const [nodes, onSizes] = useMeasuredNodes(flow.nodes);
  return (
    <div className="graph" style={{ height: props.height ?? 320 }}>
      <ReactFlowProvider>
        <ReactFlow
          nodes={nodes}
          edges={flow.edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onSizes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={Boolean(props.onSelect)}
          onNodeClick={(_event, node) => props.onSelect?.(node.id)}
          fitView
          fitViewOptions={{ padding: 0.2, maxZoom: 1.1 }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
