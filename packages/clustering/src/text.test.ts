import { describe, expect, it } from 'vitest';
import { prepareIssueTexts } from './text.js';

describe('prepareIssueTexts', () => {
  it('joins title and body with a blank line, or uses whichever is not empty', () => {
    expect(
      prepareIssueTexts([
        { title: '  Crash on save ', body: '\nSteps: click save.\n' },
        { title: 'Title only', body: '   ' },
        { body: ' Body only ' },
        {},
      ]),
    ).toEqual(['Crash on save\n\nSteps: click save.', 'Title only', 'Body only', '']);
  });

  it('truncates the body, never the title, and never splits a surrogate pair', () => {
    expect(prepareIssueTexts([{ title: 'A long title', body: 'abcdef' }], 3)).toEqual([
      'A long title\n\nabc',
    ]);
    expect(prepareIssueTexts([{ body: 'ab😀cd' }], 3)).toEqual(['ab']);
    expect(prepareIssueTexts([{ body: 'x'.repeat(2000) }])[0]).toHaveLength(1500);
  });
});
