import fc from 'fast-check';

/** A JSON Schema (the subset @fastify/swagger writes for zod schemas) as plain data. */
export type Schema = { [keyword: string]: unknown };

export interface SchemaContext {
  /** `components.schemas` of the OpenAPI document, for `$ref`s. */
  components: Record<string, Schema>;
  /**
   * Values worth more than random ones for a property (a real cluster id for `clusterIds`, a
   * signed-up email for `email`); mixed with the schema's own values.
   */
  hint?: (property: string, schema: Schema) => fc.Arbitrary<unknown> | undefined;
}

/** Valid values are kept small; boundary lengths are the mutations' job. */
const MAX_VALID_STRING = 24;
const MAX_VALID_ITEMS = 4;
const MAX_DEPTH = 8;
const INT32 = 2 ** 31 - 1;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** The schema a `$ref` points at (one level; the document has no ref chains). */
export function deref(schema: Schema, ctx: SchemaContext): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace(/^#\/components\/schemas\//, '');
  const target = ctx.components[name];
  if (!target) throw new Error(`unknown $ref ${ref}`);
  return deref(target, ctx);
}

/** The alternatives of an `anyOf`/`oneOf`, or the schema itself. */
export function branches(schema: Schema, ctx: SchemaContext): Schema[] {
  const s = deref(schema, ctx);
  const alts = (s.anyOf ?? s.oneOf) as unknown;
  if (Array.isArray(alts)) return alts.filter(isSchema).flatMap((a) => branches(a, ctx));
  return [s];
}

/** The JSON types a schema admits (`undefined`: any). */
export function typesOf(schema: Schema): string[] | undefined {
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === 'string') return [schema.type];
  if (isSchema(schema.properties)) return ['object'];
  if (isSchema(schema.items)) return ['array'];
  if (Array.isArray(schema.enum)) return undefined;
  return undefined;
}

/** Small JSON of any shape, for `{}` schemas and extra keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** Text of three kinds: ASCII, any grapheme, any code point (lone surrogates included). */
export function text(minLength: number, maxLength: number): fc.Arbitrary<string> {
  const c = { minLength, maxLength };
  return fc.oneof(
    { arbitrary: fc.string({ ...c, unit: 'grapheme-ascii' }), weight: 4 },
    { arbitrary: fc.string({ ...c, unit: 'grapheme' }), weight: 2 },
    { arbitrary: fc.string({ ...c, unit: 'binary' }), weight: 1 },
  );
}

function stringOf(s: Schema): fc.Arbitrary<string> {
  const min = num(s.minLength) ?? 0;
  const max = Math.min(num(s.maxLength) ?? min + MAX_VALID_STRING, min + MAX_VALID_STRING);
  // JSON Schema counts code points, zod (the server) UTF-16 units: a valid string satisfies both.
  const fits = (v: string) => [...v].length >= min && v.length <= (num(s.maxLength) ?? Infinity);
  if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
  switch (s.format) {
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'uri':
    case 'url':
      return fc.webUrl().filter(fits);
    case 'uuid':
      return fc.uuid();
    default:
      return text(min, max)
        .map((v) => v.slice(0, max))
        .filter(fits);
  }
}

function integerOf(s: Schema): fc.Arbitrary<number> {
  const exMin = num(s.exclusiveMinimum);
  const exMax = num(s.exclusiveMaximum);
  const min = Math.max(num(s.minimum) ?? (exMin === undefined ? -INT32 : exMin + 1), Number.MIN_SAFE_INTEGER);
  const max = Math.min(num(s.maximum) ?? (exMax === undefined ? INT32 : exMax - 1), Number.MAX_SAFE_INTEGER);
  const small = fc.integer({ min: Math.max(min, -INT32), max: Math.min(max, INT32) });
  return fc.oneof({ arbitrary: small, weight: 8 }, fc.constantFrom(min, max));
}

function numberOf(s: Schema): fc.Arbitrary<number> {
  const min = num(s.minimum) ?? num(s.exclusiveMinimum) ?? -1e12;
  const max = num(s.maximum) ?? num(s.exclusiveMaximum) ?? 1e12;
  const open = (v: number) => v !== num(s.exclusiveMinimum) && v !== num(s.exclusiveMaximum);
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).filter(open);
}

function arrayOf(s: Schema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown[]> {
  const minLength = num(s.minItems) ?? 0;
  const maxLength = Math.min(num(s.maxItems) ?? minLength + MAX_VALID_ITEMS, minLength + MAX_VALID_ITEMS);
  const items = isSchema(s.items) ? valuesOf(s.items, ctx, depth + 1) : anyJson;
  return fc.array(items, { minLength, maxLength });
}

function objectOf(s: Schema, ctx: SchemaContext, depth: number): fc.Arbitrary<unknown> {
  const props = isSchema(s.properties) ? (s.properties as Record<string, Schema>) : {};
  const required = Array.isArray(s.required) ? (s.required as string[]) : [];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, prop] of Object.entries(props)) {
    const own = valuesOf(prop, ctx, depth + 1);
    const hinted = ctx.hint?.(name, prop);
    model[name] = hinted ? fc.oneof({ arbitrary: hinted, weight: 3 }, { arbitrary: own, weight: 1 }) : own;
  }
  const known = fc.record(model, { requiredKeys: required });
  const extra = s.additionalProperties;
  if (extra === false || extra === undefined || Object.keys(props).length > 0) return known;
  // A map (`metadata`): a few keys of its value schema.
  const values = isSchema(extra) ? valuesOf(extra, ctx, depth + 1) : anyJson;
  return fc.dictionary(text(1, 12), values, { maxKeys: 4 });
}

/** Values that the schema accepts (a `hint` may add real ids that it also accepts). */
export function valuesOf(schema: Schema, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(schema, ctx);
  if (depth > MAX_DEPTH) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alts = branches(s, ctx);
  if (alts.length > 1 || alts[0] !== s) return fc.oneof(...alts.map((a) => valuesOf(a, ctx, depth)));
  const types = typesOf(s);
  if (!types) return anyJson;
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case 'string':
          return stringOf(s);
        case 'integer':
          return integerOf(s);
        case 'number':
          return numberOf(s);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return arrayOf(s, ctx, depth);
        case 'object':
          return objectOf(s, ctx, depth);
        default:
          throw new Error(`unsupported schema type ${type}`);
      }
    }),
  );
}
