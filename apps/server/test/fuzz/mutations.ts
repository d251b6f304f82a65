import fc from 'fast-check';
import { branches, deref, type Schema, type SchemaContext, typesOf } from './json-schema.js';
import { deleteAt, Ref, setAt } from './values.js';

/** A valid value with one thing wrong, and what. */
export interface Mutated {
  value: unknown;
  note: string;
}

type Path = Array<string | number>;

/** One place in a generated value, with the schema that governs it (if any). */
interface Site {
  path: Path;
  value: unknown;
  schema: Schema | undefined;
  /** The JSON types (integers as numbers) the site's schema admits, all branches together; undefined: any. */
  admits: Set<string> | undefined;
}

/** Lengths and counts above this are not built (a 400 kB string is; a 2 GB one is not). */
const MAX_BUILT = 1_100_000;

function jsonType(v: unknown): string {
  if (v instanceof Ref) return 'string';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The JSON type, with integers counted as numbers (an integer is a fine number). */
const family = (v: unknown) => (jsonType(v) === 'integer' ? 'number' : jsonType(v));

/** The alternative of an `anyOf` that a value was generated from (best guess by its type and keys). */
function branchFor(schema: Schema, value: unknown, ctx: SchemaContext): Schema {
  const alts = branches(schema, ctx);
  const type = jsonType(value);
  const fits = alts.filter((a) => {
    const types = typesOf(a);
    if (types && !types.includes(type) && !(type === 'integer' && types.includes('number'))) return false;
    if (type !== 'object' || typeof a.properties !== 'object') return true;
    const required = Array.isArray(a.required) ? (a.required as string[]) : [];
    return required.every((k) => k in (value as object));
  });
  return fits[0] ?? alts[0] ?? schema;
}

/** What types a schema admits across its branches (an `enum` by its values); undefined when any. */
function admitted(schema: Schema | undefined, ctx: SchemaContext): Set<string> | undefined {
  if (!schema) return undefined;
  const out = new Set<string>();
  for (const b of branches(schema, ctx)) {
    const listed = Array.isArray(b.enum) ? (b.enum as unknown[]) : 'const' in b ? [b.const] : undefined;
    const types = listed ? listed.map(family) : typesOf(b)?.map((t) => (t === 'integer' ? 'number' : t));
    if (!types) return undefined;
    for (const t of types) out.add(t);
  }
  return out;
}

function sitesOf(value: unknown, schema: Schema | undefined, ctx: SchemaContext, path: Path = []): Site[] {
  const s = schema ? branchFor(deref(schema, ctx), value, ctx) : undefined;
  const here: Site = { path, value, schema: s, admits: admitted(schema, ctx) };
  if (Array.isArray(value)) {
    const items = s && typeof s.items === 'object' ? (s.items as Schema) : undefined;
    return [here, ...value.flatMap((v, i) => sitesOf(v, items, ctx, [...path, i]))];
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Ref)) {
    const props = (s?.properties ?? {}) as Record<string, Schema>;
    const extra =
      typeof s?.additionalProperties === 'object' ? (s.additionalProperties as Schema) : undefined;
    return [
      here,
      ...Object.keys(value).flatMap((k) =>
        sitesOf((value as Record<string, unknown>)[k], props[k] ?? extra, ctx, [...path, k]),
      ),
    ];
  }
  return [here];
}

const SAMPLES: unknown[] = [0, -1, 1.5, '', 'x', true, false, null, [], {}, [1, 'a'], { a: 1 }];

function wrongTypes(site: Site): fc.Arbitrary<Mutated> {
  const { admits } = site;
  // A site that admits any type still gets other types (the handler may assume one): not "wrong".
  const others = SAMPLES.filter((v) => (admits ? !admits.has(family(v)) : family(v) !== family(site.value)));
  const label = admits ? 'wrong type' : 'another type';
  return fc.constantFrom(...others).map((v) => ({ value: v, note: `${label} ${jsonType(v)}` }));
}

function stringMutations(s: Schema): Array<fc.Arbitrary<Mutated>> {
  const out: Array<fc.Arbitrary<Mutated>> = [];
  const max = typeof s.maxLength === 'number' ? s.maxLength : undefined;
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  if (max !== undefined && max < MAX_BUILT) {
    out.push(
      fc
        .constantFrom('x', 'é', '😀')
        .chain((ch) =>
          fc.constantFrom(
            { value: ch.repeat(max), note: `${max} × ${ch} (at maxLength)` },
            { value: ch.repeat(max + 1), note: `${max + 1} × ${ch} (maxLength + 1)` },
          ),
        ),
    );
  }
  if (min > 0) out.push(fc.constant({ value: 'x'.repeat(min - 1), note: `minLength - 1` }));
  if (typeof s.pattern === 'string') {
    out.push(
      fc
        .constantFrom(' ', '!', '../', '\n', 'ÄÖ', '\u0000')
        .map((bad) => ({ value: `${bad}x${bad}`, note: `breaks pattern with ${JSON.stringify(bad)}` })),
    );
  }
  if (Array.isArray(s.enum)) out.push(fc.constant({ value: 'not-one-of-them', note: 'not in enum' }));
  if (s.format === 'date-time')
    out.push(
      fc.constantFrom('2024-13-45T99:99:99Z', 'yesterday', '0').map((v) => ({ value: v, note: 'bad date' })),
    );
  return out;
}

function numberMutations(s: Schema, integer: boolean): Array<fc.Arbitrary<Mutated>> {
  const picks: Mutated[] = [
    { value: 1e308, note: 'huge number' },
    { value: -1e308, note: 'huge negative number' },
    { value: 2 ** 53 + 2, note: 'beyond safe integers' },
  ];
  if (typeof s.minimum === 'number') picks.push({ value: s.minimum - 1, note: 'minimum - 1' });
  if (typeof s.maximum === 'number') picks.push({ value: s.maximum + 1, note: 'maximum + 1' });
  if (integer) picks.push({ value: 0.5, note: 'fraction for an integer' });
  return [fc.constantFrom(...picks)];
}

function arrayMutations(site: Site, s: Schema): Array<fc.Arbitrary<Mutated>> {
  const items = site.value as unknown[];
  const out: Array<fc.Arbitrary<Mutated>> = [];
  const maxItems = typeof s.maxItems === 'number' ? s.maxItems : undefined;
  if (maxItems !== undefined && maxItems < 20_000) {
    const filler = items[0] ?? null;
    out.push(
      fc.constant({
        value: Array.from({ length: maxItems + 1 }, () => filler),
        note: `maxItems + 1 (${maxItems + 1})`,
      }),
    );
  }
  if (typeof s.minItems === 'number' && s.minItems > 0)
    out.push(fc.constant({ value: [], note: 'fewer than minItems' }));
  return out;
}

function objectMutations(site: Site, s: Schema | undefined): Array<fc.Arbitrary<Mutated>> {
  const value = site.value as Record<string, unknown>;
  const out: Array<fc.Arbitrary<Mutated>> = [
    fc.constantFrom('unexpected', 'UNEXPECTED_KEY', '', 'ä').map((k) => ({
      value: { ...value, [k]: 1 },
      note: `extra key ${JSON.stringify(k)}`,
    })),
    fc.constant({ value: {}, note: 'empty object' }),
  ];
  const required = s && Array.isArray(s.required) ? (s.required as string[]) : [];
  const present = required.filter((k) => k in value);
  if (present.length > 0) {
    out.push(
      fc
        .constantFrom(...present)
        .map((k) => ({ value: deleteAt(value, [k]), note: `missing required ${k}` })),
    );
  }
  return out;
}

function mutationsAt(site: Site): fc.Arbitrary<Mutated> {
  const s = site.schema;
  const options: Array<fc.Arbitrary<Mutated>> = [wrongTypes(site)];
  const type = jsonType(site.value);
  if (s && type === 'string') options.push(...stringMutations(s));
  if (s && (type === 'integer' || type === 'number'))
    options.push(...numberMutations(s, (typesOf(s) ?? []).includes('integer')));
  if (s && type === 'array') options.push(...arrayMutations(site, s));
  if (type === 'object') options.push(...objectMutations(site, s));
  return fc.oneof(...options);
}

/**
 * `value` (valid for `schema`) with exactly one thing wrong somewhere: a wrong type, a missing
 * required key, an extra key, a length or number just past its bound, a value outside its enum or
 * pattern. Also boundary values that are still valid (exactly maxLength).
 */
export function mutationOf(
  schema: Schema | undefined,
  value: unknown,
  ctx: SchemaContext,
): fc.Arbitrary<Mutated> {
  const sites = sitesOf(value, schema, ctx);
  return fc.constantFrom(...sites).chain((site) =>
    mutationsAt(site).map(({ value: v, note }) => ({
      value: setAt(value, site.path, v),
      note: `${note} at ${site.path.length === 0 ? '(root)' : site.path.join('.')}`,
    })),
  );
}
