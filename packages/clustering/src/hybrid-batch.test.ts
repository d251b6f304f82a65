import { describe, expect, it } from 'vitest';
import { combineHybrid } from './hybrid.js';
import { hybridVectorsBatch } from './hybrid-batch.js';
import { lexicalFeaturesOfTexts } from './lexical/lexical-batch.js';
import {
  documentFeatures,
  extractLexicalFeatures,
  weighLexicalFeatures,
} from './lexical/lexical-vectorizer.js';
import { splitReportText } from './lexical/report-text.js';
import { InMemoryTermStats } from './lexical/term-stats.js';

const options = { dimension: 1024, titleWeight: 0.5 };
const texts = [
  'Upload fails with NullPointerException\nThe upload of a big file crashes.',
  'Login is slow',
  '',
];

describe('hybridVectorsBatch', () => {
  it('is combineHybrid of each row’s weighed features and semantic vector, packed', () => {
    const stats = new InMemoryTermStats(options.dimension);
    for (const t of texts)
      stats.observe(documentFeatures(extractLexicalFeatures(splitReportText(t), options)));
    const semantic = {
      data: Float32Array.from({ length: texts.length * 4 }, (_, i) => (i % 4 === 0 ? 1 : 0)),
      n: texts.length,
      d: 4,
    };
    const out = hybridVectorsBatch(lexicalFeaturesOfTexts(texts, options), stats, semantic, options, 0.7);
    expect([out.n, out.d]).toEqual([texts.length, options.dimension + 4]);
    texts.forEach((t, r) => {
      const lex = weighLexicalFeatures(extractLexicalFeatures(splitReportText(t), options), stats, options);
      const want = combineHybrid(lex, semantic.data.subarray(r * 4, r * 4 + 4), 0.7);
      expect([...out.data.subarray(r * out.d, (r + 1) * out.d)]).toEqual([...want]);
    });
  });

  it('refuses semantic rows that do not match the lexical ones', () => {
    const features = lexicalFeaturesOfTexts(texts, options);
    const semantic = { data: new Float32Array(4), n: 1, d: 4 };
    expect(() =>
      hybridVectorsBatch(features, new InMemoryTermStats(options.dimension), semantic, options, 0.7),
    ).toThrow(RangeError);
  });
});
