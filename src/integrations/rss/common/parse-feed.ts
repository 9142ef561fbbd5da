import type { XMLParser } from 'fast-xml-parser';

export interface FeedItem {
  /** guid / Atom id, else the link, else title and date: what dedupe goes by. */
  id: string;
  title: string;
  link: string;
  /** The description / summary as published (may be HTML). */
  summary: string;
  /** The full content when the feed has it (content:encoded, Atom content), else the summary. */
  content: string;
  /** Content as plain text (tags removed, whitespace collapsed). */
  text: string;
  published: string | null;
  author: string;
  categories: string[];
  feedTitle: string;
  feedLink: string;
}

export type ParsedFeed =
  | { ok: true; format: 'rss' | 'atom' | 'rdf'; title: string; link: string; items: FeedItem[] }
  | { ok: false; reason: string };

type Node = Record<string, unknown>;

let parser: XMLParser | undefined;

/** The XML parser is loaded on first use: most processes never read a feed. */
async function feedParser(): Promise<XMLParser> {
  if (parser) return parser;
  const { XMLParser } = await import('fast-xml-parser');
  parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    textNodeName: '#text',
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => ['item', 'entry', 'link', 'category', 'author'].includes(name),
  });
  return parser;
}

/** The text of an element that may carry attributes (`{ '#text': ..., '@_type': 'html' }`). */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value)) return textOf(value[0]);
  if (typeof value === 'object') return textOf((value as Node)['#text']);
  return '';
}

export function plainText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t\r\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

function isoDate(value: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function atomLink(links: unknown): string {
  const list = (Array.isArray(links) ? links : []) as Node[];
  const alternate = list.find((l) => !l['@_rel'] || l['@_rel'] === 'alternate') ?? list[0];
  return alternate ? String(alternate['@_href'] ?? textOf(alternate)) : '';
}

function authorOf(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  if (first && typeof first === 'object' && 'name' in (first as Node)) return textOf((first as Node)['name']);
  return textOf(first);
}

function finish(
  raw: Omit<FeedItem, 'id' | 'text' | 'feedTitle' | 'feedLink'> & { guid: string },
  feed: { title: string; link: string },
): FeedItem {
  const id = raw.guid || raw.link || `${raw.title}|${raw.published ?? ''}`;
  const { guid: _guid, ...rest } = raw;
  return {
    id,
    ...rest,
    text: plainText(raw.content || raw.summary),
    feedTitle: feed.title,
    feedLink: feed.link,
  };
}

/** RSS 2.0, RSS 1.0 (RDF) and Atom 1.0 feeds, items in document order. */
export async function parseFeed(xml: string): Promise<ParsedFeed> {
  const xmlParser = await feedParser();
  let doc: Node;
  try {
    doc = xmlParser.parse(xml, true) as Node;
  } catch (error) {
    return {
      ok: false,
      reason: `the feed is not well-formed XML (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const rss = doc['rss'] as Node | undefined;
  if (rss && typeof rss === 'object') {
    const channel = (rss['channel'] ?? {}) as Node;
    const feed = { title: textOf(channel['title']), link: textOf(channel['link']) };
    const items = ((channel['item'] as Node[] | undefined) ?? []).map((item) => {
      const summary = textOf(item['description']);
      return finish(
        {
          guid: textOf(item['guid']),
          title: textOf(item['title']),
          link: textOf(item['link']),
          summary,
          content: textOf(item['content:encoded']) || summary,
          published: isoDate(textOf(item['pubDate']) || textOf(item['dc:date'])),
          author: authorOf(item['author']) || textOf(item['dc:creator']),
          categories: ((item['category'] as unknown[] | undefined) ?? []).map(textOf).filter(Boolean),
        },
        feed,
      );
    });
    return { ok: true, format: 'rss', ...feed, items };
  }
  const atom = doc['feed'] as Node | undefined;
  if (atom && typeof atom === 'object') {
    const feed = { title: textOf(atom['title']), link: atomLink(atom['link']) };
    const items = ((atom['entry'] as Node[] | undefined) ?? []).map((entry) => {
      const summary = textOf(entry['summary']);
      return finish(
        {
          guid: textOf(entry['id']),
          title: textOf(entry['title']),
          link: atomLink(entry['link']),
          summary,
          content: textOf(entry['content']) || summary,
          published: isoDate(textOf(entry['published']) || textOf(entry['updated'])),
          author: authorOf(entry['author']) || authorOf(atom['author']),
          categories: ((entry['category'] as Node[] | undefined) ?? [])
            .map((c) => String(c['@_term'] ?? textOf(c)))
            .filter(Boolean),
        },
        feed,
      );
    });
    return { ok: true, format: 'atom', ...feed, items };
  }
  const rdf = doc['rdf:RDF'] as Node | undefined;
  if (rdf && typeof rdf === 'object') {
    const channel = (rdf['channel'] ?? {}) as Node;
    const feed = { title: textOf(channel['title']), link: textOf(channel['link']) };
    const items = ((rdf['item'] as Node[] | undefined) ?? []).map((item) => {
      const summary = textOf(item['description']);
      return finish(
        {
          guid: String(item['@_rdf:about'] ?? ''),
          title: textOf(item['title']),
          link: textOf(item['link']),
          summary,
          content: textOf(item['content:encoded']) || summary,
          published: isoDate(textOf(item['dc:date'])),
          author: textOf(item['dc:creator']),
          categories: [],
        },
        feed,
      );
    });
    return { ok: true, format: 'rdf', ...feed, items };
  }
  return { ok: false, reason: 'the document is neither an RSS nor an Atom feed' };
}
