import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalog } from '../../catalog/registry.ts';
import { triggerContext } from '../testing/component-context.ts';
import { type FakeServer, startFakeServer } from '../testing/fake-server.ts';
import { createPollHarness, type PollHarness } from '../testing/poll-harness.ts';
import { parseFeed } from './common/parse-feed.ts';
import { rssService } from './index.ts';
import { newItemTrigger } from './triggers/new-item.ts';

function rss(items: { guid?: string; title: string; link: string; date: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Example Blog</title>
    <link>https://blog.example.com/</link>
    <description>News</description>
    ${items
      .map(
        (i) => `<item>
      <title>${i.title}</title>
      <link>${i.link}</link>
      ${i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ''}
      <pubDate>${i.date}</pubDate>
      <dc:creator>Ada Lovelace</dc:creator>
      <category>releases</category><category>news</category>
      <description><![CDATA[<p>Summary of <b>${i.title}</b></p>]]></description>
      <content:encoded><![CDATA[<p>Full text of ${i.title} &amp; more</p>]]></content:encoded>
    </item>`,
      )
      .join('\n')}
  </channel>
</rss>`;
}

const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Example Atom</title>
  <link href="https://atom.example.com/feed" rel="self"/>
  <link href="https://atom.example.com/"/>
  <author><name>Grace Hopper</name></author>
  <entry>
    <title type="html">Second &amp;lt;post&amp;gt;</title>
    <link rel="alternate" href="https://atom.example.com/2"/>
    <id>urn:uuid:2</id>
    <updated>2026-11-22T10:00:00Z</updated>
    <summary>Short</summary>
    <content type="html">&lt;p&gt;Long &lt;i&gt;body&lt;/i&gt;&lt;/p&gt;</content>
    <category term="compilers"/>
  </entry>
  <entry>
    <title>First</title>
    <link href="https://atom.example.com/1"/>
    <id>urn:uuid:1</id>
    <published>2026-11-21T10:00:00Z</published>
    <updated>2026-11-21T11:00:00Z</updated>
  </entry>
</feed>`;

describe('rss', () => {
  it('is a valid catalog entry', () => {
    expect(() => createCatalog([rssService])).not.toThrow();
  });

  it('parses Atom: html titles, alternate links, feed-level authors, categories', async () => {
    const feed = await parseFeed(atom);
    expect(feed.ok && feed.format).toBe('atom');
    if (!feed.ok) return;
    expect(feed.link).toBe('https://atom.example.com/');
    expect(feed.items[0]).toEqual({
      id: 'urn:uuid:2',
      title: 'Second &lt;post&gt;',
      link: 'https://atom.example.com/2',
      summary: 'Short',
      content: '<p>Long <i>body</i></p>',
      text: 'Long body',
      published: '2026-11-22T10:00:00.000Z',
      author: 'Grace Hopper',
      categories: ['compilers'],
      feedTitle: 'Example Atom',
      feedLink: 'https://atom.example.com/',
    });
    expect(feed.items[1]!.published).toBe('2026-11-21T10:00:00.000Z');
  });

  it('parses RSS 1.0 (RDF) and refuses what is not a feed', async () => {
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://r.example.com/"><title>R</title><link>https://r.example.com/</link></channel>
      <item rdf:about="https://r.example.com/a"><title>A</title><link>https://r.example.com/a</link><dc:date>2026-11-20T08:00:00Z</dc:date></item>
    </rdf:RDF>`;
    const feed = await parseFeed(rdf);
    expect(feed.ok && feed.items.map((i) => [i.id, i.title, i.published])).toEqual([
      ['https://r.example.com/a', 'A', '2026-11-20T08:00:00.000Z'],
    ]);
    expect(await parseFeed('<html><body>hi</body></html>')).toEqual({
      ok: false,
      reason: 'the document is neither an RSS nor an Atom feed',
    });
    expect((await parseFeed('<rss><channel>')).ok).toBe(false);
  });

  describe('new item trigger', () => {
    let fake: FakeServer;
    let harness: PollHarness;
    const items = [
      {
        guid: 'post-2',
        title: 'Two',
        link: 'https://blog.example.com/2',
        date: 'Sat, 21 Nov 2026 10:00:00 GMT',
      },
      { title: 'One', link: 'https://blog.example.com/1', date: 'Fri, 20 Nov 2026 10:00:00 GMT' },
    ];
    beforeAll(async () => {
      fake = await startFakeServer();
      fake.on('GET /feed.xml', (req) => {
        expect(req.headers['accept']).toContain('application/rss+xml');
        return { headers: { 'content-type': 'application/rss+xml; charset=utf-8' }, body: rss(items) };
      });
      harness = await createPollHarness(newItemTrigger);
    });
    afterAll(async () => {
      await fake.close();
      await harness.close();
    });

    it('fires once per new item (by guid, else link), oldest first, across restarts', async () => {
      const props = { url: `${fake.url}/feed.xml` };
      expect(await harness.poll(props)).toEqual({ polled: 2, fired: 0 });
      items.unshift(
        {
          guid: 'post-4',
          title: 'Four',
          link: 'https://blog.example.com/4',
          date: 'Mon, 23 Nov 2026 10:00:00 GMT',
        },
        { title: 'Three', link: 'https://blog.example.com/3', date: 'Sun, 22 Nov 2026 10:00:00 GMT' },
      );
      expect((await harness.poll(props)).fired).toBe(2);
      expect((await harness.poll(props)).fired).toBe(0);
      expect(harness.fired.map((f) => (f.item as { id: string }).id)).toEqual([
        'https://blog.example.com/3',
        'post-4',
      ]);
      expect(harness.fired[1]!.item).toMatchObject({
        title: 'Four',
        summary: '<p>Summary of <b>Four</b></p>',
        content: '<p>Full text of Four &amp; more</p>',
        text: 'Full text of Four & more',
        published: '2026-11-23T10:00:00.000Z',
        author: 'Ada Lovelace',
        categories: ['releases', 'news'],
        feedTitle: 'Example Blog',
      });
    });

    it('retries a 429 after Retry-After and explains a failing feed', async () => {
      fake.once('GET /feed.xml', { status: 429, headers: { 'retry-after': '1' }, body: 'Too Many Requests' });
      const ctx = triggerContext({ url: `${fake.url}/feed.xml` });
      const poll = newItemTrigger.mode === 'polling' ? newItemTrigger.polling.poll : undefined;
      const cursor = { seenIds: [], lastTimestamp: undefined, firstPoll: false };
      await expect(poll!({ ...ctx, cursor })).resolves.toHaveLength(4);
      fake.on('GET /gone.xml', { status: 404, body: 'Not Found' });
      await expect(poll!({ ...triggerContext({ url: `${fake.url}/gone.xml` }), cursor })).rejects.toThrow(
        'The feed answered 404: Not Found',
      );
      fake.on('GET /page.html', { body: '<html><body>not a feed</body></html>' });
      await expect(poll!({ ...triggerContext({ url: `${fake.url}/page.html` }), cursor })).rejects.toThrow(
        /neither an RSS nor an Atom feed/,
      );
    });
  });
});
