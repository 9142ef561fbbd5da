import { useReactFlow } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/** Brings every node into view when one is added or removed (not when one is moved). */
export function FitOnGrow(props: { count: number }) {
  const flow = useReactFlow();
  const seen = useRef(props.count);
  useEffect(() => {
    if (seen.current === props.count) return;
    seen.current = props.count;
    // After React Flow has measured the new node.
    const frame = requestAnimationFrame(() => void flow.fitView({ padding: 0.3, maxZoom: 1.1, duration: 0 }));
    return () => cancelAnimationFrame(frame);
  }, [props.count, flow]);
  return null;
}
