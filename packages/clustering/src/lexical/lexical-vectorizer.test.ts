import { describe, expect, it } from 'vitest';
import { dot } from '../vector.js';
import { hashFeature } from './feature-hash.js';
import {
  documentFeatures,
  extractLexicalFeatures,
  hashTerms,
  lexicalSpace,
  vectorizeLexical,
  weighLexicalFeatures,
} from './lexical-vectorizer.js';
import { InMemoryTermStats } from './term-stats.js';

const options = { dimension: 1 << 16, titleWeight: 0.5 };

describe('hashTerms', () => {
  it('gives each term a signed sublinear tf in its bucket', () => {
    const f = hashTerms(['crash', 'crash', 'upload'], options.dimension);
    const crash = hashFeature('crash', options.dimension);
    const upload = hashFeature('upload', options.dimension);
    const byIndex = new Map(Array.from(f.indices, (index, i) => [index, f.tf[i]]));
    expect(byIndex.get(crash.index)).toBeCloseTo(crash.sign * (1 + Math.log(2)), 6);
    expect(byIndex.get(upload.index)).toBe(upload.sign);
    expect([...f.indices]).toEqual([...f.indices].sort((a, b) => a - b));
  });
});

describe('weighLexicalFeatures', () => {
  it('mixes the normalized title and body by the title weight', () => {
    // One-term fields with the same idf: the vector is (0.5·title + 0.5·body) normalized.
    const f = extractLexicalFeatures({ title: 'crash', body: 'upload' }, options);
    const stats = new InMemoryTermStats(options.dimension);
    const v = weighLexicalFeatures(f, stats, options);
    const crash = hashFeature('crash', options.dimension);
    const upload = hashFeature('upload', options.dimension);
    expect(v[crash.index]).toBeCloseTo(crash.sign * Math.SQRT1_2, 6);
    expect(v[upload.index]).toBeCloseTo(upload.sign * Math.SQRT1_2, 6);
    expect(dot(v, v)).toBeCloseTo(1, 6);
  });

  it('is all zeros for an empty report', () => {
    const f = extractLexicalFeatures({ title: '', body: 'the 42' }, options);
    expect(documentFeatures(f).length).toBe(0);
    const v = weighLexicalFeatures(f, new InMemoryTermStats(options.dimension), options);
    expect(v.every((x) => x === 0)).toBe(true);
  });

  it('lets rare shared terms count more than common ones', () => {
    const reports = [
      { title: 'upload crash', body: '' },
      { title: 'upload timeout', body: '' },
      { title: 'login crash', body: '' },
      { title: 'upload slow', body: '' },
    ];
    const stats = new InMemoryTermStats(options.dimension);
    const v = vectorizeLexical(reports, stats, options);
    expect(stats.documents).toBe(4);
    const row = (i: number) => v.data.subarray(i * v.d, (i + 1) * v.d);
    // "crash" (df 2) links 0 and 2 more strongly than "upload" (df 3) links 0 and 1.
    expect(dot(row(0), row(2))).toBeGreaterThan(dot(row(0), row(1)));
    // Exact: both share one term of two; weights are idf(df=2)=ln(5/3)+1, idf(df=3)=ln(5/4)+1, idf(1)=ln(5/2)+1.
    const i1 = Math.log(5 / 2) + 1;
    const i2 = Math.log(5 / 3) + 1;
    const i3 = Math.log(5 / 4) + 1;
    expect(dot(row(0), row(1))).toBeCloseTo((i3 * i3) / (Math.hypot(i3, i2) * Math.hypot(i3, i1)), 5);
    expect(dot(row(0), row(2))).toBeCloseTo((i2 * i2) / (Math.hypot(i3, i2) * Math.hypot(i1, i2)), 5);
  });
});

describe('lexicalSpace', () => {
  it('names the version, dimension and tokenizer options', () => {
    expect(lexicalSpace({ dimension: 4096, titleWeight: 0.5 })).toBe('lex-v1:h4096');
    expect(lexicalSpace({ dimension: 4096, titleWeight: 0.9 })).toBe('lex-v1:h4096');
    expect(lexicalSpace({ dimension: 2048, titleWeight: 0.5, tokenize: { stem: false } })).toBe(
      'lex-v1:h2048:{"stem":false}',
    );
  });
});
