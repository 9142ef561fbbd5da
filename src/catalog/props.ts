/**
 * Typed prop builders. Each builder returns a `Prop` that carries the JSON Schema of one parameter
 * and, at the type level, the TypeScript type of its value, so `ctx.props` of an action or trigger is
 * typed from the same declaration that the catalog stores and the UI renders as a form.
 */

export type JsonSchema = { [key: string]: unknown };

/** One choice of a select prop. */
export interface SelectOption<V extends string = string> {
  label: string;
  value: V;
}

/** Options computed at edit time (e.g. the channels of a connected account). */
export interface DynamicOptions {
  /** Props whose values the options depend on (re-load when they change). */
  dependsOn?: readonly string[];
  load(ctx: { auth: unknown; props: Record<string, unknown>; signal: AbortSignal }): Promise<SelectOption[]>;
}

export interface Prop<T = unknown, R extends boolean = boolean> {
  readonly required: R;
  readonly schema: JsonSchema;
  /** Set on select props whose options are loaded at edit time. */
  readonly dynamicOptions?: DynamicOptions;
  /** Type carrier only; never set at run time. */
  readonly __value?: T;
}

export type Props = Record<string, Prop<unknown, boolean>>;

type RequiredKeys<P extends Props> = { [K in keyof P]: P[K]['required'] extends true ? K : never }[keyof P];
type OptionalKeys<P extends Props> = Exclude<keyof P, RequiredKeys<P>>;
type ValueOf<X> = X extends Prop<infer T, boolean> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The value type of a props declaration: required props are present, the others may be missing. */
export type PropsValue<P extends Props> = Simplify<
  { [K in RequiredKeys<P>]: ValueOf<P[K]> } & { [K in OptionalKeys<P>]?: ValueOf<P[K]> | undefined }
>;

export interface CommonOptions {
  displayName: string;
  description?: string;
  /** true: the value must be present. Flows into the type of ctx.props. */
  required?: boolean;
  /** true: null is accepted and typed. */
  nullable?: boolean;
  placeholder?: string;
  /** Display order in forms; defaults to the declaration order. */
  order?: number;
}

// Builders take their options as a `const` type parameter so that `required: true` is read from the
// argument itself (a plain generic would be widened to boolean by the contextual Props type).
type Req<O> = O extends { required: true } ? true : false;
type Nullable<T, O> = O extends { nullable: true } ? T | null : T;

interface TextOptions extends CommonOptions {
  default?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

function base(
  type: string | string[],
  options: CommonOptions & { default?: unknown },
  extra: JsonSchema = {},
): JsonSchema {
  const schema: JsonSchema = {
    type: options.nullable ? [...(Array.isArray(type) ? type : [type]), 'null'] : type,
    title: options.displayName,
    ...extra,
  };
  if (options.description !== undefined) schema['description'] = options.description;
  if (options.placeholder !== undefined) schema['placeholder'] = options.placeholder;
  if (options.order !== undefined) schema['x-order'] = options.order;
  if (options.default !== undefined) schema['default'] = options.default;
  return schema;
}

function make<T, R extends boolean>(
  options: CommonOptions,
  schema: JsonSchema,
  dynamicOptions?: DynamicOptions,
): Prop<T, R> {
  return {
    required: (options.required ?? false) as R,
    schema,
    ...(dynamicOptions ? { dynamicOptions } : {}),
  };
}

function stringSchema(options: TextOptions, extra: JsonSchema = {}): JsonSchema {
  const schema = base('string', options, extra);
  if (options.pattern !== undefined) schema['pattern'] = options.pattern;
  if (options.minLength !== undefined) schema['minLength'] = options.minLength;
  if (options.maxLength !== undefined) schema['maxLength'] = options.maxLength;
  return schema;
}

export const prop = {
  /** One line of text. `pattern` is a regular expression the value must match. */
  text<const O extends TextOptions>(options: O): Prop<Nullable<string, O>, Req<O>> {
    return make(options, stringSchema(options));
  },

  /** Several lines of text (message bodies, templates). */
  longText<const O extends TextOptions>(options: O): Prop<Nullable<string, O>, Req<O>> {
    return make(options, stringSchema(options, { 'x-widget': 'textarea' }));
  },

  number<
    const O extends CommonOptions & {
      default?: number;
      minimum?: number;
      maximum?: number;
      integer?: boolean;
    },
  >(options: O): Prop<Nullable<number, O>, Req<O>> {
    const schema = base(options.integer ? 'integer' : 'number', options);
    if (options.minimum !== undefined) schema['minimum'] = options.minimum;
    if (options.maximum !== undefined) schema['maximum'] = options.maximum;
    return make(options, schema);
  },

  boolean<const O extends CommonOptions & { default?: boolean }>(
    options: O,
  ): Prop<Nullable<boolean, O>, Req<O>> {
    return make(options, base('boolean', options));
  },

  email<const O extends CommonOptions & { default?: string }>(options: O): Prop<Nullable<string, O>, Req<O>> {
    return make(options, stringSchema(options, { format: 'email' }));
  },

  url<const O extends CommonOptions & { default?: string }>(options: O): Prop<Nullable<string, O>, Req<O>> {
    return make(options, stringSchema(options, { format: 'uri' }));
  },

  /** An ISO 8601 date-time string. */
  dateTime<const O extends CommonOptions & { default?: string }>(
    options: O,
  ): Prop<Nullable<string, O>, Req<O>> {
    return make(options, stringSchema(options, { format: 'date-time' }));
  },

  /** A choice among static options, typed as the union of their values. */
  select<const O extends CommonOptions & { default?: string; options: readonly SelectOption[] }>(
    options: O,
  ): Prop<Nullable<O['options'][number]['value'], O>, Req<O>> {
    const values: unknown[] = options.options.map((o) => o.value);
    if (options.nullable) values.push(null);
    const schema = base('string', options, {
      enum: values,
      'x-options': options.options.map((o) => ({ label: o.label, value: o.value })),
    });
    return make(options, schema);
  },

  /** A choice among options loaded at edit time (e.g. the channels of the connected account). */
  dynamicSelect<
    const O extends CommonOptions & {
      default?: string;
      load: DynamicOptions['load'];
      dependsOn?: readonly string[];
    },
  >(options: O): Prop<Nullable<string, O>, Req<O>> {
    const schema = base('string', options, {
      'x-dynamic-options': true,
      ...(options.dependsOn ? { 'x-depends-on': [...options.dependsOn] } : {}),
    });
    return make(options, schema, {
      load: options.load,
      ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
    });
  },

  /** Any JSON value (typed unknown); `schema` narrows what is accepted. */
  json<const O extends CommonOptions & { default?: unknown; schema?: JsonSchema }>(
    options: O,
  ): Prop<unknown, Req<O>> {
    const schema: JsonSchema = { title: options.displayName, ...(options.schema ?? {}), 'x-widget': 'json' };
    if (options.description !== undefined) schema['description'] = options.description;
    if (options.placeholder !== undefined) schema['placeholder'] = options.placeholder;
    if (options.order !== undefined) schema['x-order'] = options.order;
    if (options.default !== undefined) schema['default'] = options.default;
    return make(options, schema);
  },

  /** A value that is never shown back (password, token). Usually a {{ secrets.NAME }} reference. */
  secret<const O extends CommonOptions & { pattern?: string }>(options: O): Prop<string, Req<O>> {
    return make(options, stringSchema(options, { format: 'password', writeOnly: true, 'x-secret': true }));
  },

  array<
    const O extends CommonOptions & {
      items: Prop<unknown, boolean>;
      minItems?: number;
      maxItems?: number;
      default?: readonly unknown[];
    },
  >(options: O): Prop<ValueOf<O['items']>[], Req<O>> {
    const schema = base('array', options, { items: options.items.schema });
    if (options.minItems !== undefined) schema['minItems'] = options.minItems;
    if (options.maxItems !== undefined) schema['maxItems'] = options.maxItems;
    return make(options, schema);
  },

  object<const O extends CommonOptions & { properties: Props; additionalProperties?: boolean }>(
    options: O,
  ): Prop<PropsValue<O['properties']>, Req<O>> {
    const inner = propsSchema(options.properties, options.additionalProperties ?? false);
    return make(options, { ...inner, ...base('object', options) });
  },

  /** A free map of string keys to values of one type (headers, query parameters, fields). */
  record<
    const O extends CommonOptions & { values: Prop<unknown, boolean>; default?: Record<string, unknown> },
  >(options: O): Prop<Record<string, ValueOf<O['values']>>, Req<O>> {
    return make(options, base('object', options, { additionalProperties: options.values.schema }));
  },
};

/** The JSON Schema (an object schema) of a props declaration, with display order and required list. */
export function propsSchema(props: Props, additionalProperties = false): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  let index = 0;
  for (const [key, p] of Object.entries(props)) {
    properties[key] = { 'x-order': index, ...p.schema };
    if (p.required) required.push(key);
    index += 1;
  }
  return { type: 'object', properties, required, additionalProperties };
}
