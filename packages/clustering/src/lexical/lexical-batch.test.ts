import { describe, expect, it } from 'vitest';
import {
  documentFeaturesAt,
  lexicalFeaturesAt,
  lexicalFeaturesOfTexts,
  packedLexicalBuffers,
} from './lexical-batch.js';
import { documentFeatures, extractLexicalFeatures } from './lexical-vectorizer.js';
import { splitReportText } from './report-text.js';

const options = { dimension: 1024, titleWeight: 0.5 };
const texts = [
  'Upload fails with NullPointerException\nThe upload of a big file crashes.',
  'Login is slow',
  '\nonly a body, no title',
  '',
];

describe('packed lexical features', () => {
  it('hold each report’s features exactly as extracting them one by one does', () => {
    const packed = lexicalFeaturesOfTexts(texts, options);
    expect(packed.n).toBe(texts.length);
    texts.forEach((t, r) => {
      const one = extractLexicalFeatures(splitReportText(t), options);
      const row = lexicalFeaturesAt(packed, r);
      expect([...row.title.indices]).toEqual([...one.title.indices]);
      expect([...row.title.tf]).toEqual([...one.title.tf]);
      expect([...row.body.indices]).toEqual([...one.body.indices]);
      expect([...row.body.tf]).toEqual([...one.body.tf]);
      expect([...documentFeaturesAt(packed, r)]).toEqual([...documentFeatures(one)]);
    });
    // Every array has a buffer of its own, so all of them can be transferred at once.
    const buffers = packedLexicalBuffers(packed);
    expect(new Set(buffers).size).toBe(buffers.length);
  });
});
