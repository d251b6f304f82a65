import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LEXICAL_OPTIONS,
  documentFeatures,
  extractLexicalFeatures,
} from '../lexical/lexical-vectorizer.js';
import { InMemoryTermStats } from '../lexical/term-stats.js';
import { toVectors } from '../vector.js';
import { centralityOrder, meanSimilarities, medoidIndex } from './centrality.js';
import { distinctiveTerms } from './distinctive-terms.js';
import { type DigestItem, describeCounts, offlineDigest } from './offline-digest.js';
import { representativeQuotes, splitSentences } from './quotes.js';

const corpus: DigestItem[] = [
  {
    title: 'Upload fails with NullPointerException',
    body: 'When I upload a large file the app crashes.\nat com.acme.Uploader.send(Uploader.java:42)\nIt worked in 1.2.',
    source: 'github',
    createdAt: '2024-03-01T10:00:00Z',
    author: 'ann',
  },
  {
    title: 'Crash on upload of big files',
    body: 'Uploading a 2 GB file throws a NullPointerException in Uploader. Small files are fine.',
    source: 'reddit',
    createdAt: '2024-03-04T09:00:00Z',
    author: 'bob',
  },
  {
    title: 'NullPointerException when uploading',
    body: '## Steps\n- upload a large file\n- wait\nThe upload stops with a NullPointerException.',
    source: 'github',
    createdAt: '2024-03-09T18:30:00Z',
    author: 'ann',
  },
  {
    title: 'Login page is slow',
    body: 'The login page takes ten seconds to load.',
    source: 'manual',
    createdAt: '2024-02-01T00:00:00Z',
  },
  {
    title: 'Dark mode colors are wrong',
    body: 'Buttons are unreadable in dark mode.',
    source: 'reddit',
    createdAt: '2024-02-02T00:00:00Z',
  },
];
const stats = new InMemoryTermStats(DEFAULT_LEXICAL_OPTIONS.dimension);
for (const item of corpus)
  stats.observe(documentFeatures(extractLexicalFeatures(item, DEFAULT_LEXICAL_OPTIONS)));
const cluster = corpus.slice(0, 3);

describe('centrality', () => {
  const vectors = toVectors([
    [1, 0],
    [0.8, 0.6],
    [0, 1],
  ]);

  it('is each row’s mean similarity to the others', () => {
    expect(Array.from(meanSimilarities(vectors)).map((x) => Number(x.toFixed(6)))).toEqual([0.4, 0.7, 0.3]);
    expect(centralityOrder(vectors)).toEqual([1, 0, 2]);
    expect(medoidIndex(vectors)).toBe(1);
  });

  it('handles one row and none', () => {
    expect(medoidIndex(toVectors([[1, 0]]))).toBe(0);
    expect(medoidIndex({ data: new Float32Array(0), n: 0, d: 2 })).toBe(-1);
  });
});

describe('distinctiveTerms', () => {
  it('ranks terms the members share and the corpus rarely uses, whole identifiers first', () => {
    const terms = distinctiveTerms(
      cluster.map((i) => `${i.title}\n${i.body}`),
      stats,
      { dimension: DEFAULT_LEXICAL_OPTIONS.dimension, limit: 6 },
    );
    expect(terms.map((t) => t.term)).toEqual(['nullpointerexception', 'upload', 'file', 'crash', 'large']);
    expect(terms.map((t) => t.members)).toEqual([3, 3, 3, 2, 2]);
    // (3/3)·ln(1 + 5/3) and (2/3)·ln(1 + 5/2).
    expect(terms[0]?.score).toBeCloseTo(Math.log(1 + 5 / 3), 9);
    expect(terms[3]?.score).toBeCloseTo((2 / 3) * Math.log(1 + 5 / 2), 9);
  });
});

describe('quotes', () => {
  it('splits prose sentences and strips markup', () => {
    expect(splitSentences('## Steps\n- upload a large file\nIt fails. Then it hangs!')).toEqual([
      'Steps',
      'upload a large file',
      'It fails.',
      'Then it hangs!',
    ]);
  });

  it('takes from each central text its sentence with the most key terms, never code', () => {
    const quotes = representativeQuotes(
      [
        'User Agent: Mozilla/5.0 (X11; Linux x86_64)\nat com.acme.Uploader.send(Uploader.java:42)\nUploads of large files crash the app. Thanks!',
        'Short.\nA very long sentence about an upload that goes on and on and on, well past the limit that a quote may have',
        'Uploads of large files crash the app.',
      ],
      ['upload', 'crash'],
      { maxLength: 60 },
    );
    expect(quotes).toEqual([
      'Uploads of large files crash the app.',
      'A very long sentence about an upload that goes on and on…',
    ]);
  });
});

describe('offlineDigest', () => {
  it('writes the medoid title and a summary of counts, terms and quotes', () => {
    expect(offlineDigest({ items: cluster, corpusStats: stats })).toEqual({
      title: 'NullPointerException when uploading',
      summary:
        '3 reports (2 github, 1 reddit) from 2 reporters, first seen 2024-03-01, last seen 2024-03-09. ' +
        'Distinctive terms: nullpointerexception, upload, file, crash, large. ' +
        '“The upload stops with a NullPointerException.” “When I upload a large file the app crashes.”',
      terms: ['nullpointerexception', 'upload', 'file', 'crash', 'large'],
    });
  });

  it('takes the medoid from the given vectors', () => {
    const vectors = toVectors([
      [1, 0],
      [0.8, 0.6],
      [0, 1],
    ]);
    expect(offlineDigest({ items: cluster, vectors, corpusStats: stats }).title).toBe(
      'Crash on upload of big files',
    );
  });

  it('describes a single report and an empty cluster', () => {
    expect(describeCounts([corpus[3] as DigestItem])).toBe('1 report (manual), seen 2024-02-01.');
    expect(offlineDigest({ items: [], corpusStats: stats })).toEqual({ title: '', summary: '', terms: [] });
  });
});
