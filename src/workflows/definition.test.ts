import { describe, expect, it } from 'vitest';
import { normalizeDefinition } from './definition.ts';
import { analyzeGraph } from './graph.ts';
import { findTemplateReferences, isWholeTemplate } from './template-references.ts';

describe('normalizeDefinition', () => {
  it('turns the actions shorthand into a chain from the trigger with generated keys', () => {
    const def = normalizeDefinition({
      name: 'Area',
      tags: ['a', 'a', 'b'],
      trigger: { key: 'hook', service: 'webhook', component: 'catch_hook', config: {}, enabled: true },
      nodes: [{ key: 'step_1', service: 'http', component: 'request', config: {} }],
      actions: [
        { service: 'email', component: 'send', config: { to: 'x@example.com' } },
        { key: 'last', service: 'email', component: 'send' },
      ],
      settings: {},
    });
    expect(def.tags).toEqual(['a', 'b']);
    expect(def.trigger).toEqual({ key: 'hook', service: 'webhook', component: 'catch_hook', config: {} });
    expect(def.nodes.map((n) => [n.key, n.type])).toEqual([
      ['step_1', 'action'],
      ['step_2', 'action'],
      ['last', 'action'],
    ]);
    expect(def.edges).toEqual([
      { from: 'hook', to: 'step_2' },
      { from: 'step_2', to: 'last' },
    ]);
    expect(def.settings).toBeUndefined();
  });
});

describe('findTemplateReferences', () => {
  it('finds trigger, step, secret and bare variable references with their paths', () => {
    const refs = findTemplateReferences({
      url: 'https://x/{{ trigger.body.id }}?k={{ secrets.API_KEY }}',
      list: ['{{ steps.fetch.body["first name"][0] | upcase }}', 'plain'],
      nested: { 'odd key': '{{ title }}', n: 3 },
      literal: '{{ "text" }}',
    });
    expect(refs).toEqual([
      { kind: 'trigger', path: 'config.url', expression: 'trigger.body.id', field: ['body', 'id'] },
      { kind: 'secret', path: 'config.url', expression: 'secrets.API_KEY', name: 'API_KEY' },
      {
        kind: 'step',
        path: 'config.list[0]',
        expression: 'steps.fetch.body["first name"][0] | upcase',
        node: 'fetch',
        field: ['body', 'first name', '0'],
      },
      { kind: 'variable', path: 'config.nested["odd key"]', expression: 'title', name: 'title' },
      { kind: 'unknown', path: 'config.literal', expression: '"text"' },
    ]);
  });

  it('tells a whole-value template from one inside text', () => {
    expect(isWholeTemplate(' {{ trigger.count }} ')).toBe(true);
    expect(isWholeTemplate('n = {{ trigger.count }}')).toBe(false);
    expect(isWholeTemplate('{{ a }}{{ b }}')).toBe(false);
  });
});

describe('analyzeGraph', () => {
  it('orders steps, finds cycles, unreachable steps, dangling edges and ancestors', () => {
    const g = analyzeGraph({
      name: 'g',
      tags: [],
      trigger: { key: 't', service: 's', component: 'c', config: {} },
      nodes: ['a', 'b', 'c', 'd', 'lonely'].map((key) => ({ key, config: {} })),
      edges: [
        { from: 't', to: 'a' },
        { from: 'a', to: 'b', when: 'true' },
        { from: 'a', to: 'c', when: 'false' },
        { from: 'b', to: 'd' },
        { from: 'c', to: 'd' },
        { from: 'd', to: 'ghost' },
      ],
    });
    expect(g.order).toEqual(['a', 'b', 'c', 'd']);
    expect(g.cycles).toEqual([]);
    expect(g.unreachable).toEqual(['lonely']);
    expect(g.danglingEdges).toEqual([{ index: 5, end: 'to', key: 'ghost' }]);
    expect([...(g.ancestors.get('d') ?? [])].sort()).toEqual(['a', 'b', 'c', 't']);

    const cyclic = analyzeGraph({
      name: 'c',
      tags: [],
      trigger: { key: 't', service: 's', component: 'c', config: {} },
      nodes: ['a', 'b'].map((key) => ({ key, config: {} })),
      edges: [
        { from: 't', to: 'a' },
        { from: 'a', to: 'b' },
        { from: 'b', to: 'a' },
      ],
    });
    expect(cyclic.cycles).toEqual([['a', 'b', 'a']]);
  });
});
