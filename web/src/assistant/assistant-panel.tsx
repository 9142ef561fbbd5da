import { type CSSProperties, type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, loadSession } from '../api/client.ts';
import type { Definition } from '../api/types.ts';
import { GraphView } from '../components/graph-view.tsx';
import { Button } from '../components/ui.tsx';

/**
 * The assistant beside the editor: the user describes a workflow, the answer streams in, and a valid
 * proposal (summary, steps, graph, open questions) can be created as a draft workflow.
 * Mount it with `<AssistantPanel workflowId={id} onCreated={(id) => navigate(...)} />`.
 */

interface Question {
  question: string;
  path?: string;
  options?: string[];
}

interface Problem {
  path: string;
  message: string;
  rule?: string;
}

interface Proposal {
  definition: Definition;
  summary: string;
  steps: string[];
  valid: boolean;
  problems: Problem[];
  questions: Question[];
}

interface Entry {
  role: 'user' | 'assistant';
  text: string;
  proposal?: Proposal | null;
  questions?: Question[];
  status?: string;
  error?: string;
}

interface SessionAnswer {
  id: string;
}

const styles: Record<string, CSSProperties> = {
  panel: { display: 'flex', flexDirection: 'column', height: '100%', minHeight: 360, gap: 8 },
  log: { flex: 1, overflowY: 'auto', display: 'flex', flexDirection: 'column', gap: 8, padding: 4 },
  user: {
    alignSelf: 'flex-end',
    background: 'var(--accent-soft, #e8efff)',
    borderRadius: 8,
    padding: '6px 10px',
    maxWidth: '85%',
    whiteSpace: 'pre-wrap',
  },
  assistant: {
    alignSelf: 'flex-start',
    background: 'var(--surface-2, #f4f4f5)',
    borderRadius: 8,
    padding: '6px 10px',
    maxWidth: '95%',
    whiteSpace: 'pre-wrap',
  },
  proposal: {
    border: '1px solid var(--border, #ddd)',
    borderRadius: 8,
    padding: 8,
    marginTop: 6,
    background: 'var(--surface, #fff)',
  },
  muted: { opacity: 0.7, fontSize: '0.85em' },
  error: { color: 'var(--danger, #b42318)', fontSize: '0.9em' },
  form: { display: 'flex', gap: 6, alignItems: 'flex-end' },
  input: { flex: 1, minHeight: 56, resize: 'vertical', font: 'inherit', padding: 6 },
};

/** Reads `event:`/`data:` blocks from a streamed response body. */
async function* sseEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<{ event: string; data: Record<string, unknown> }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data) yield { event, data: JSON.parse(data) as Record<string, unknown> };
      boundary = buffer.indexOf('\n\n');
    }
  }
}

function ProposalCard(props: {
  proposal: Proposal;
  onCreate: () => void;
  creating: boolean;
  created: string | null;
}) {
  const { proposal } = props;
  return (
    <div style={styles.proposal}>
      <strong>{proposal.definition.name}</strong>
      {proposal.summary ? <p style={{ margin: '4px 0' }}>{proposal.summary}</p> : null}
      <ol style={{ margin: '4px 0', paddingLeft: 18 }}>
        {proposal.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
      <GraphView definition={proposal.definition} height={200} />
      {proposal.problems.length > 0 ? (
        <ul style={styles.error}>
          {proposal.problems.map((p) => (
            <li key={`${p.path}-${p.rule ?? ''}`}>
              <code>{p.path}</code>: {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {proposal.questions.length > 0 ? (
        <ul style={styles.muted}>
          {proposal.questions.map((q) => (
            <li key={q.question}>{q.question}</li>
          ))}
        </ul>
      ) : null}
      {props.created ? (
        <p style={styles.muted}>Created as a draft. Review it, then activate it from the editor.</p>
      ) : (
        <Button variant="primary" pending={props.creating} onClick={props.onCreate}>
          Create this workflow
        </Button>
      )}
    </div>
  );
}

export function AssistantPanel(props: {
  /** The workflow open in the editor: the assistant can explain it. */
  workflowId?: string;
  /** Called with the id of the draft created from a proposal. */
  onCreated?: (workflowId: string) => void;
}) {
  const [sessionId, setSessionId] = useState<string | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [input, setInput] = useState('');
  const [streaming, setStreaming] = useState(false);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => () => abortRef.current?.abort(), []);
  // Keeps the newest words in view as they stream in.
  useEffect(() => {
    if (entries.length > 0) logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
  }, [entries]);

  const updateLast = (change: (entry: Entry) => Entry) =>
    setEntries((all) =>
      all.length === 0 ? all : [...all.slice(0, -1), change(all[all.length - 1] as Entry)],
    );

  async function ensureSession(): Promise<string> {
    if (sessionId) return sessionId;
    const session = await api<SessionAnswer>('POST', '/assistant/sessions', {
      body: props.workflowId ? { workflowId: props.workflowId } : {},
    });
    setSessionId(session.id);
    return session.id;
  }

  async function send(event: FormEvent) {
    event.preventDefault();
    const content = input.trim();
    if (!content || streaming) return;
    setError(null);
    setInput('');
    setEntries((all) => [...all, { role: 'user', text: content }, { role: 'assistant', text: '' }]);
    setStreaming(true);
    const abort = new AbortController();
    abortRef.current = abort;
    try {
      const id = await ensureSession();
      // Refreshes the access token when it is about to expire, before the stream starts.
      await api('GET', '/assistant/status');
      const token = loadSession()?.accessToken;
      const response = await fetch(`/api/v1/assistant/sessions/${id}/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ content }),
        signal: abort.signal,
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new Error(body.error?.message ?? `The assistant answered ${response.status}`);
      }
      for await (const { event: name, data } of sseEvents(response.body)) {
        if (name === 'token') updateLast((e) => ({ ...e, text: e.text + String(data['text'] ?? '') }));
        else if (name === 'tool') {
          updateLast((e) => ({
            ...e,
            status: data['ok'] ? 'Proposal checked.' : 'Correcting the proposal...',
          }));
        } else if (name === 'done') {
          setCreated(null);
          updateLast((e) => ({
            ...e,
            text: e.text || String(data['text'] ?? ''),
            proposal: (data['proposal'] as Proposal | null) ?? null,
            questions: (data['questions'] as Question[] | undefined) ?? [],
            status: undefined,
          }));
        } else if (name === 'error') {
          updateLast((e) => ({
            ...e,
            error: String(data['message'] ?? 'The assistant failed'),
            status: undefined,
          }));
        }
      }
    } catch (caught) {
      if (!abort.signal.aborted) setError(caught instanceof Error ? caught.message : 'The assistant failed');
    } finally {
      setStreaming(false);
      abortRef.current = null;
    }
  }

  async function create() {
    if (!sessionId) return;
    setCreating(true);
    setError(null);
    try {
      const answer = await api<{ workflowId: string }>('POST', `/assistant/sessions/${sessionId}/accept`, {
        body: {},
      });
      setCreated(answer.workflowId);
      props.onCreated?.(answer.workflowId);
    } catch (caught) {
      const problems =
        caught instanceof ApiError ? caught.problems.map((p) => `${p.path}: ${p.message}`) : [];
      setError(
        [caught instanceof Error ? caught.message : 'Could not create the workflow', ...problems].join('\n'),
      );
    } finally {
      setCreating(false);
    }
  }

  const lastProposal = [...entries].reverse().find((e) => e.proposal)?.proposal;

  return (
    <section style={styles.panel} aria-label="Assistant">
      <div ref={logRef} style={styles.log} aria-live="polite">
        {entries.length === 0 ? (
          <p style={styles.muted}>
            Describe what should happen, e.g. “when someone stars my GitHub repo, post it to #general on
            Slack”.
            {props.workflowId ? ' Or ask what this workflow does.' : ''}
          </p>
        ) : null}
        {entries.map((entry, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: entries are only appended
          <div key={index} style={entry.role === 'user' ? styles.user : styles.assistant}>
            {entry.text ||
              (entry.role === 'assistant' && streaming && index === entries.length - 1 ? '...' : '')}
            {entry.status ? <div style={styles.muted}>{entry.status}</div> : null}
            {entry.error ? <div style={styles.error}>{entry.error}</div> : null}
            {entry.proposal && entry.proposal === lastProposal ? (
              <ProposalCard
                proposal={entry.proposal}
                onCreate={create}
                creating={creating}
                created={created}
              />
            ) : null}
            {!entry.proposal && entry.questions && entry.questions.length > 0 ? (
              <ul style={styles.muted}>
                {entry.questions.map((q) => (
                  <li key={q.question}>{q.question}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ))}
      </div>
      {error ? <div style={{ ...styles.error, whiteSpace: 'pre-wrap' }}>{error}</div> : null}
      <form style={styles.form} onSubmit={send}>
        <textarea
          style={styles.input}
          aria-label="Message to the assistant"
          value={input}
          placeholder="Describe a workflow..."
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) send(e as unknown as FormEvent);
          }}
        />
        {streaming ? (
          <Button onClick={() => abortRef.current?.abort()}>Stop</Button>
        ) : (
          <Button type="submit" variant="primary" disabled={!input.trim()}>
            Send
          </Button>
        )}
      </form>
    </section>
  );
}
