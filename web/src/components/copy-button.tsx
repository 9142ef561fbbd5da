import { useState } from 'react';
import { Button } from './ui.tsx';

export function CopyButton(props: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
    } catch {
      // Clipboard refused (plain http): select the text instead so the user can copy it.
      const range = document.createRange();
      const node = document.activeElement?.parentElement?.querySelector('code');
      if (node) {
        range.selectNodeContents(node);
        getSelection()?.removeAllRanges();
        getSelection()?.addRange(range);
      }
    }
    setDone(true);
    setTimeout(() => setDone(false), 1500);
  };
  return (
    <Button onClick={() => void copy()} aria-live="polite">
      {done ? 'Copied' : (props.label ?? 'Copy')}
    </Button>
  );
}
