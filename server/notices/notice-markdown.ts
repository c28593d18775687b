import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// `html: false` makes markdown-it print raw HTML in the source as text, so `<script>` or
// `<img onerror>` never become elements. Its link validator already drops javascript:, vbscript:,
// file: and most data: URLs; the sanitiser below is the second, independent line of defence.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'strong', 'em', 'del', 's', 'code', 'pre', 'blockquote', 'hr',
    'ul', 'ol', 'li', 'a', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['style'], td: ['style'] },
  allowedStyles: { th: { 'text-align': [/^(left|right|center)$/] }, td: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: { a: transformLink },
};

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Keeps a link only when its address is absolute with an allowed scheme, or a path on the portal
 * itself. Anything else (a relative name, an encoded scheme) becomes plain text. Outside links
 * open in a new tab and get neither the opener nor the referrer.
 */
function transformLink(_tagName: string, attributes: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const href = attributes.href ?? '';
  if (/^\/(?![/\\])/.test(href)) {
    return { tagName: 'a', attribs: { href, ...(attributes.title ? { title: attributes.title } : {}) } };
  }
  if (!isAllowedAbsoluteUrl(href)) return { tagName: 'span', attribs: {} };
  return {
    tagName: 'a',
    attribs: { href, ...(attributes.title ? { title: attributes.title } : {}), target: '_blank', rel: 'noopener noreferrer nofollow' },
  };
}

function isAllowedAbsoluteUrl(href: string): boolean {
  try {
    return LINK_PROTOCOLS.has(new URL(href).protocol);
  } catch {
    return false;
  }
}

// The link transform adds target and rel before the attribute filter runs, so they are allowed here.
(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>).a!.push('target', 'rel');

/**
 * Renders a notice body from Markdown to HTML that is safe to insert into the page: no scripts,
 * no event handler attributes, no styles beyond table alignment, and links only to http, https
 * and mailto addresses.
 */
export function renderNoticeMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), SANITIZE_OPTIONS).trim();
}
