import { describe, expect, it } from 'vitest';
import { parseShortstat } from './shortstat.js';

describe('parseShortstat', () => {
  it('reads files, insertions and deletions; absent parts are 0', () => {
    expect(parseShortstat(' 2 files changed, 3 insertions(+), 1 deletion(-)')).toEqual({
      filesChanged: 2,
      insertions: 3,
      deletions: 1,
    });
    expect(parseShortstat(' 3 files changed, 10 insertions(+), 2 deletions(-)')).toEqual({
      filesChanged: 3,
      insertions: 10,
      deletions: 2,
    });
    expect(parseShortstat(' 1 file changed, 1 insertion(+)')).toEqual({
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
    });
    expect(parseShortstat('')).toEqual({ filesChanged: 0, insertions: 0, deletions: 0 });
  });
});
