import { describe, expect, it } from 'vitest';
import { noticeDraftIssues } from '../../common/api/notices.js';
import { renderNoticeMarkdown } from '../../server/notices/notice-markdown.js';

/** Tags and attributes of the rendered HTML that are real markup, not escaped text. */
function elements(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)\b[^>]*>/gi)].map((match) => match[0]);
}

describe('renderNoticeMarkdown', () => {
  it('keeps ordinary Markdown', () => {
    expect(renderNoticeMarkdown('# Downtime\n\n**Saturday** from *09:00*:\n\n- uploads\n- exports')).toBe(
      '<h1>Downtime</h1>\n<p><strong>Saturday</strong> from <em>09:00</em>:</p>\n<ul>\n<li>uploads</li>\n<li>exports</li>\n</ul>',
    );
  });

  const hostile: [string, string][] = [
    ['script tag', '<script>alert(1)</script>'],
    ['script tag split over lines', '<scr\nipt>alert(1)</script>'],
    ['image with onerror', '<img src=x onerror=alert(1)>'],
    ['svg with onload', '<svg onload=alert(1)></svg>'],
    ['raw javascript link', '<a href="javascript:alert(1)">x</a>'],
    ['iframe', '<iframe src="https://example.org"></iframe>'],
    ['style tag', '<style>body{display:none}</style>'],
  ];
  it.each(hostile)('shows raw HTML as text: %s', (_name, source) => {
    const html = renderNoticeMarkdown(source);
    // Paragraphs, line breaks and linkified https addresses are the only markup left.
    const unexpected = elements(html).filter((tag) => !/^<(p|br \/|a href="https:\/\/[^"]*" target="_blank" rel="noopener noreferrer nofollow")>$/.test(tag));
    expect(unexpected).toEqual([]);
    expect(html).toContain('&lt;');
  });

  const badLinks = [
    '[x](javascript:alert(1))',
    '[x](JaVaScRiPt:alert(1))',
    '[x](jav&#x09;ascript:alert(1))',
    '[x](vbscript:msgbox(1))',
    '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '[x](//evil.example/path)',
    '[x](relative/path)',
    '<javascript:alert(1)>',
  ];
  it.each(badLinks)('makes no link of %s', (source) => {
    const html = renderNoticeMarkdown(source);
    expect(html).not.toMatch(/<a\b/);
    expect(html).not.toMatch(/href=/);
  });

  it('links http, https, mailto and portal paths only', () => {
    const html = renderNoticeMarkdown('[a](https://example.org/a) [b](http://example.org/b) [c](mailto:help@example.org) [d](/projects)');
    expect(html).toContain('<a href="https://example.org/a" target="_blank" rel="noopener noreferrer nofollow">a</a>');
    expect(html).toContain('<a href="http://example.org/b" target="_blank" rel="noopener noreferrer nofollow">b</a>');
    expect(html).toContain('<a href="mailto:help@example.org" target="_blank" rel="noopener noreferrer nofollow">c</a>');
    expect(html).toContain('<a href="/projects">d</a>');
  });

  it('drops attributes other than href and title', () => {
    const html = renderNoticeMarkdown('[a](https://example.org "Title")');
    expect(elements(html)).toEqual(['<p>', '<a href="https://example.org" title="Title" target="_blank" rel="noopener noreferrer nofollow">']);
  });
});

describe('noticeDraftIssues', () => {
  const base = { level: 'maintenance' as const, startsAt: '2027-01-01T10:00:00Z', endsAt: '2027-01-01T12:00:00Z', dismissible: false, readOnly: true, readOnlyFrom: null };

  it('accepts a read-only maintenance window inside the notice', () => {
    expect(noticeDraftIssues(base)).toEqual([]);
    expect(noticeDraftIssues({ ...base, readOnlyFrom: '2027-01-01T11:00:00Z' })).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(noticeDraftIssues({ ...base, endsAt: '2027-01-01T09:00:00Z' }).map((issue) => issue.field)).toContain('endsAt');
    expect(noticeDraftIssues({ ...base, level: 'info' }).map((issue) => issue.field)).toEqual(['readOnly']);
    expect(noticeDraftIssues({ ...base, dismissible: true }).map((issue) => issue.field)).toEqual(['dismissible']);
    expect(noticeDraftIssues({ ...base, readOnlyFrom: '2027-01-01T09:00:00Z' }).map((issue) => issue.field)).toEqual(['readOnlyFrom']);
    expect(noticeDraftIssues({ ...base, readOnlyFrom: '2027-01-01T12:00:00Z' }).map((issue) => issue.field)).toEqual(['readOnlyFrom']);
  });
});
