import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Schema, valuesOf } from './json-schema.js';
import { mutationOf } from './mutations.js';

/** Schemas whose JSON Schema says all there is to say (no refinements), so zod can judge the generator. */
const SCHEMAS = {
  object: z.object({
    name: z.string().min(1).max(10),
    status: z.enum(['open', 'closed']).optional(),
    count: z.number().int().min(1).max(200),
    ratio: z.number().min(0).max(1).optional(),
    tags: z.array(z.string().max(5)).min(1).max(3),
    slug: z.string().regex(/^[a-z][a-z0-9-]{0,15}$/),
    at: z.iso.datetime({ offset: true }).optional(),
    token: z.string().min(1).nullable().optional(),
  }),
  strict: z.object({ owner: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/), on: z.boolean() }).strict(),
  union: z.union([
    z.object({ kind: z.literal('t3'), data: z.object({ id: z.string().regex(/^[a-z0-9]{1,16}$/) }) }),
    z.object({ source: z.literal('reddit'), title: z.string().max(20) }),
  ]),
  map: z.object({ metadata: z.record(z.string(), z.unknown()) }),
  positive: z.object({ number: z.number().int().positive() }),
};

const jsonSchemaOf = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input' }) as Schema;
const ctx = { components: {} };

describe('valuesOf (JSON Schema → fast-check)', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`makes only values the schema accepts: ${name}`, () => {
      fc.assert(
        fc.property(valuesOf(jsonSchemaOf(schema), ctx), (value) => {
          const parsed = schema.safeParse(value);
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }),
        { seed: 1, numRuns: 300 },
      );
    });
  }
});

describe('mutationOf (one thing wrong)', () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`breaks a valid value so that the schema refuses it, unless it says it stayed at a bound: ${name}`, () => {
      const json = jsonSchemaOf(schema);
      const mutated = valuesOf(json, ctx).chain((v) => mutationOf(json, v, ctx));
      fc.assert(
        fc.property(mutated, ({ value, note }) => {
          // Boundary values that are still valid, an extra key where extra keys are allowed, and
          // anything under a free-form map are allowed to pass.
          const mayPass = /at maxLength|extra key|empty object|another type|metadata|data\.|\.extra/.test(
            note,
          );
          if (!mayPass) expect(schema.safeParse(value).success, note).toBe(false);
        }),
        { seed: 2, numRuns: 300 },
      );
    });
  }
});
