import type { Node, NodeChange } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState } from 'react';

/**
 * React Flow reads a node's size from the node object it is given. Our nodes are rebuilt from the
 * workflow on every change, so the sizes it measured are kept here and put back on each new node
 * (without them a rebuilt node stays hidden, waiting for a size that never changes).
 */
export function useMeasuredNodes<N extends Node>(nodes: N[]): [N[], (changes: NodeChange[]) => void] {
  const sizes = useRef(new Map<string, { width: number; height: number }>());
  const [version, setVersion] = useState(0);
  const onSizes = useCallback((changes: NodeChange[]) => {
    let changed = false;
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) {
        const before = sizes.current.get(change.id);
        if (before?.width !== change.dimensions.width || before?.height !== change.dimensions.height) {
          sizes.current.set(change.id, change.dimensions);
          changed = true;
        }
      }
    }
    if (changed) setVersion((v) => v + 1);
  }, []);
  // A node whose content did not change keeps its object, so React Flow keeps what it measured of it.
  const previous = useRef(new Map<string, { signature: string; node: N }>());
  // biome-ignore lint/correctness/useExhaustiveDependencies: version says the sizes changed
  const measured = useMemo(() => {
    const next = new Map<string, { signature: string; node: N }>();
    const list = nodes.map((n) => {
      const size = sizes.current.get(n.id);
      const signature = JSON.stringify([n.position, n.data, n.selected, n.type, size]);
      const before = previous.current.get(n.id);
      const node =
        before && before.signature === signature ? before.node : size ? { ...n, measured: size } : n;
      next.set(n.id, { signature, node });
      return node;
    });
    previous.current = next;
    return list;
  }, [nodes, version]);
  return [measured, onSizes];
}
