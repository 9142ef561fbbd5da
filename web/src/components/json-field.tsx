import type { FieldProps } from '@rjsf/utils';
import { useEffect, useRef, useState } from 'react';

function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** What was typed: JSON when it parses as an object, array, number or boolean, else the text (a template). */
function parseTyped(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^[[{\d-]|^(true|false|null)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** A parameter that takes any JSON value or a `{{ }}` template: one text area. */
export function JsonField(props: FieldProps) {
  const [text, setText] = useState(() => textOf(props.formData));
  const emitted = useRef<unknown>(props.formData);
  useEffect(() => {
    // Only a change from outside (a picked variable) replaces what is being typed.
    if (props.formData !== emitted.current) {
      emitted.current = props.formData;
      setText(textOf(props.formData));
    }
  }, [props.formData]);
  const id = props.fieldPathId.$id;
  return (
    <textarea
      id={id}
      name={props.fieldPathId.name ?? id}
      className="mono"
      rows={4}
      value={text}
      placeholder={
        typeof props.schema['placeholder'] === 'string' ? (props.schema['placeholder'] as string) : undefined
      }
      disabled={props.disabled || props.readonly}
      aria-describedby={`${id}__error ${id}__description`}
      onFocus={() => props.onFocus(id, props.formData)}
      onBlur={() => props.onBlur(id, props.formData)}
      onChange={(event) => {
        setText(event.target.value);
        const next = parseTyped(event.target.value);
        emitted.current = next;
        props.onChange(next, props.fieldPathId.path);
      }}
    />
  );
}
