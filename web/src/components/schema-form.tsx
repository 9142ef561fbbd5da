import Form from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { ReactNode } from 'react';
import type { FieldProblem } from '../api/client.ts';
import type { JsonSchema } from '../api/types.ts';
import { JsonField } from './json-field.tsx';

/** `headers.x` and `items[0].name` -> the keys of rjsf's error tree. */
function pathParts(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean);
}

/** API problems (paths relative to this form) as rjsf's error schema, so they show on their fields. */
export function errorSchemaOf(problems: FieldProblem[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const problem of problems) {
    let node = root;
    for (const part of pathParts(problem.path)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const errors = (node['__errors'] as string[] | undefined) ?? [];
    errors.push(problem.message);
    node['__errors'] = errors;
  }
  return root as ErrorSchema;
}

/** What the catalog's JSON Schema hints at (order, option labels, widgets, placeholders), for rjsf. */
function uiSchemaOf(schema: JsonSchema): UiSchema {
  const ui: UiSchema = {};
  const properties = Object.entries(schema.properties ?? {});
  if (properties.some(([, p]) => typeof p['x-order'] === 'number')) {
    ui['ui:order'] = [
      ...properties
        .filter(([, p]) => typeof p['x-order'] === 'number')
        .sort(([, a], [, b]) => (a['x-order'] as number) - (b['x-order'] as number))
        .map(([key]) => key),
      '*',
    ];
  }
  for (const [key, prop] of properties) {
    const entry: UiSchema = {};
    if (typeof prop['placeholder'] === 'string') entry['ui:placeholder'] = prop['placeholder'];
    const options = prop['x-options'] as { label: string; value: unknown }[] | undefined;
    const values = prop['enum'] as unknown[] | undefined;
    if (options && values)
      entry['ui:enumNames'] = values.map((v) => options.find((o) => o.value === v)?.label ?? String(v));
    if (prop['x-widget'] === 'textarea' || prop['format'] === 'textarea') entry['ui:widget'] = 'textarea';
    if (prop['x-widget'] === 'json' || (!prop.type && !prop['enum'] && !prop['anyOf'] && !prop['oneOf']))
      entry['ui:field'] = JsonField;
    if (prop['x-secret'] || prop['format'] === 'password') entry['ui:widget'] = 'password';
    if (Object.keys(entry).length > 0) ui[key] = entry;
  }
  return ui;
}

export function SchemaForm(props: {
  schema: JsonSchema;
  formData: unknown;
  onChange: (data: Record<string, unknown>) => void;
  problems?: FieldProblem[];
  /** Called with the field path (`url`, `headers.x`) when a field gets focus. */
  onFocusPath?: (path: string) => void;
  onSubmit?: (data: Record<string, unknown>) => void;
  idPrefix?: string;
  children?: ReactNode;
}) {
  const prefix = props.idPrefix ?? 'cfg';
  return (
    <Form
      className="schema-form"
      schema={props.schema as RJSFSchema}
      uiSchema={{
        ...uiSchemaOf(props.schema),
        'ui:submitButtonOptions': { norender: !props.children && !props.onSubmit },
      }}
      formData={props.formData ?? {}}
      validator={validator}
      idPrefix={prefix}
      idSeparator="."
      liveValidate="onChange"
      showErrorList={false}
      noHtml5Validate
      extraErrors={errorSchemaOf(props.problems ?? [])}
      onChange={(event) => props.onChange((event.formData ?? {}) as Record<string, unknown>)}
      onFocus={(id) => props.onFocusPath?.(id.slice(prefix.length + 1))}
      onSubmit={(event) => props.onSubmit?.((event.formData ?? {}) as Record<string, unknown>)}
    >
      {props.children}
    </Form>
  );
}
