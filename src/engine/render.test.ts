import { describe, expect, it } from 'vitest';
import { hasTemplates, renderConfig, TemplateError } from './render.ts';

const scope = {
  trigger: { user: 'u1', amount: 42, nested: { list: [1, 2] } },
  steps: { build: { text: 'hello', count: 3 } },
  secrets: { API_KEY: 'sekret' },
};
const render = (value: unknown) => renderConfig({ v: value }, scope).v;

describe('renderConfig', () => {
  it('reads trigger fields, step outputs, secrets and bare trigger fields', () => {
    expect(render('{{ trigger.user }} paid {{ trigger.amount }}')).toBe('u1 paid 42');
    expect(render('{{ steps.build.text | upcase }}')).toBe('HELLO');
    expect(render('Bearer {{ secrets.API_KEY }}')).toBe('Bearer sekret');
    expect(render('{{ user }}')).toBe('u1');
  });

  it('keeps the type of a value that is exactly one template', () => {
    expect(render('{{ trigger.amount }}')).toBe(42);
    expect(render(' {{ trigger.nested }} ')).toEqual({ list: [1, 2] });
    expect(render('{{ trigger.amount | plus: 1 }}')).toBe(43);
    expect(render('{{ trigger.missing }}')).toBeNull();
    expect(render('n={{ trigger.amount }}')).toBe('n=42');
  });

  it('renders inside nested objects and arrays and leaves other values alone', () => {
    expect(
      renderConfig({ a: ['{{ trigger.user }}', 1, true, null], b: { c: '{{ steps.build.count }}' } }, scope),
    ).toEqual({
      a: ['u1', 1, true, null],
      b: { c: 3 },
    });
    expect(hasTemplates({ a: ['x', { b: '{{ y }}' }] })).toBe(true);
    expect(hasTemplates({ a: ['x', 2] })).toBe(false);
  });

  it('cannot reach prototypes, constructors or the process', () => {
    const hostile = [
      '{{ trigger.constructor }}',
      '{{ trigger.constructor.constructor }}',
      "{{ trigger.constructor.constructor('return process')() }}",
      '{{ trigger.__proto__ }}',
      '{{ trigger.user.constructor.name }}',
      '{{ process.env }}',
      '{{ global.process }}',
      '{{ globalThis }}',
      '{{ this }}',
      '{{ steps.build.text.toString }}',
      '{{ trigger["constructor"]["constructor"] }}',
    ];
    for (const text of hostile) {
      let value: unknown;
      try {
        value = render(text);
      } catch (error) {
        expect(error).toBeInstanceOf(TemplateError);
        continue;
      }
      expect(value === null || value === '', `${text} gave ${JSON.stringify(value)}`).toBe(true);
    }
  });

  it('names the field of a template with an unknown filter or broken syntax', () => {
    expect(() => renderConfig({ url: '{{ trigger.user | evil }}' }, scope)).toThrow(
      /config\.url: undefined filter: evil/,
    );
    expect(() => renderConfig({ a: { b: '{{ trigger.user ' } }, scope)).toThrow(TemplateError);
  });

  it('refuses file access and runaway templates', () => {
    expect(() => render('{% include "/etc/passwd" %}')).toThrow(TemplateError);
    expect(() => render('{% render "../../package.json" %}')).toThrow(TemplateError);
    expect(() => render('{% for i in (1..100000000) %}aaaa{% endfor %}')).toThrow(TemplateError);
  });

  it('never changes the config it renders', () => {
    const config = { v: '{{ trigger.user }}', w: { x: '{{ trigger.amount }}' } };
    const copy = structuredClone(config);
    renderConfig(config, scope);
    expect(config).toEqual(copy);
  });
});
