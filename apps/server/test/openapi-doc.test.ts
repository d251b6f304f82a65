import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

const DOC = new URL('../../../docs/openapi.json', import.meta.url);

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.app.ready();
});
afterAll(async () => ctx.close());

describe('docs/openapi.json', () => {
  it('is the document the app serves (regenerate with `npm run openapi`)', () => {
    const committed: unknown = JSON.parse(readFileSync(DOC, 'utf8'));
    const generated: unknown = JSON.parse(JSON.stringify(ctx.app.swagger()));
    expect(committed).toEqual(generated);
  });

  it('is served at GET /openapi.json without a key', async () => {
    const res = await ctx.request({ method: 'GET', url: '/openapi.json', token: null });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(JSON.parse(readFileSync(DOC, 'utf8')));
  });
});
