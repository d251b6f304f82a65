import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/context.js';

let ctx: TestContext;
let project: { id: string; apiKey: string };

beforeAll(async () => {
  ctx = await createTestContext();
  project = await ctx.createProject();
});
afterAll(async () => ctx.close());

describe('POST /feedback', () => {
  it('stores a report once per (source, externalId)', async () => {
    const payload = { title: '  Crash on login  ', body: 'The app crashes', external_id: 'ticket-1' };
    const first = await ctx.request({ method: 'POST', url: '/feedback', token: project.apiKey, payload });
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({
      title: 'Crash on login',
      source: 'manual',
      externalId: 'ticket-1',
      duplicate: false,
      projectId: project.id,
    });
    const again = await ctx.request({ method: 'POST', url: '/feedback', token: project.apiKey, payload });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: created.id, duplicate: true });
  });
});
