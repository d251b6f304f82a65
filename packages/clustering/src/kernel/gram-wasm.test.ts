import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileWat, GRAM_WAT_PATH } from '../../../../scripts/build-wasm.js';
import { GRAM_WASM_BASE64 } from './gram-wasm.js';

describe('committed gram kernel bytes', () => {
  it('are what gram.wat compiles to (run `npm run build:wasm` after editing it)', async () => {
    const fresh = await compileWat('gram.wat', readFileSync(GRAM_WAT_PATH, 'utf8'));
    expect(Buffer.from(fresh).toString('base64')).toBe(GRAM_WASM_BASE64);
  });
});
