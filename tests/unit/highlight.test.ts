import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_POST as POST, HIGHLIGHT_PRE as PRE } from '../../core/search-index.ts';
import { markHighlights, snippetAround } from '../../server/search.ts';

describe('highlighting', () => {
  it('escapes crawled text and keeps only our own <mark> tags', () => {
    const html = markHighlights(
      `A cell marked <script>alert("x")</script> & ${PRE}femicide${POST} <b>bold</b>`,
    );
    expect(html).toBe(
      'A cell marked &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>femicide</mark> &lt;b&gt;bold&lt;/b&gt;',
    );
  });

  it('cuts a snippet around the first match without splitting a highlight', () => {
    const words = Array.from({ length: 100 }, (_, i) => `w${i}`);
    words[60] = `${PRE}femicide${POST}`;
    const snippet = snippetAround(words.join(' '), 20);
    expect(snippet.startsWith('… ')).toBe(true);
    expect(snippet.endsWith(' …')).toBe(true);
    expect(snippet).toContain(`${PRE}femicide${POST}`);
    expect(snippet.split(' ').length).toBeLessThanOrEqual(22);
  });

  it('starts at the beginning when nothing is highlighted', () => {
    expect(snippetAround('one two three', 40)).toBe('one two three');
  });
});
