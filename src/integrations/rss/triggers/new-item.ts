import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { createApiClient } from '../../api-client/api-client.ts';
import { type FeedItem, parseFeed } from '../common/parse-feed.ts';

export const newItemTrigger = defineTrigger({
  key: 'new_item',
  name: 'New feed item',
  description: 'Starts a run for each new item of an RSS or Atom feed (told apart by guid, else link).',
  mode: 'polling',
  props: {
    url: prop.url({
      displayName: 'Feed URL',
      required: true,
      placeholder: 'https://blog.example.com/feed.xml',
    }),
  },
  output: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      title: { type: 'string' },
      link: { type: 'string' },
      summary: { type: 'string' },
      content: { type: 'string' },
      text: { type: 'string' },
      published: { type: ['string', 'null'], format: 'date-time' },
      author: { type: 'string' },
      categories: { type: 'array', items: { type: 'string' } },
      feedTitle: { type: 'string' },
      feedLink: { type: 'string' },
    },
    required: [
      'id',
      'title',
      'link',
      'summary',
      'content',
      'text',
      'published',
      'author',
      'categories',
      'feedTitle',
      'feedLink',
    ],
  },
  sampleOutput: {
    id: 'https://blog.example.com/posts/release-2-4',
    title: 'Release 2.4: faster imports',
    link: 'https://blog.example.com/posts/release-2-4',
    summary: '<p>Imports are now <b>three times</b> faster.</p>',
    content: '<p>Imports are now <b>three times</b> faster.</p><p>Upgrade with one command.</p>',
    text: 'Imports are now three times faster.\nUpgrade with one command.',
    published: '2026-11-22T09:30:00.000Z',
    author: 'Ada Lovelace',
    categories: ['releases'],
    feedTitle: 'Example Blog',
    feedLink: 'https://blog.example.com/',
  } satisfies FeedItem,
  polling: {
    intervalSeconds: 300,
    dedupe: { by: 'id', id: (item: FeedItem) => item.id },
    async poll(ctx) {
      const client = createApiClient({
        service: 'The feed',
        http: ctx.http,
        signal: ctx.signal,
        baseUrl: ctx.props.url,
      });
      const response = await client.send({
        path: ctx.props.url,
        headers: {
          accept:
            'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5',
        },
      });
      const feed = await parseFeed(response.text());
      if (!feed.ok) throw new Error(`${ctx.props.url}: ${feed.reason}`);
      // Feeds list the newest first; firing oldest first keeps runs in publication order.
      const dated = feed.items.every((i) => i.published !== null);
      return dated
        ? [...feed.items].sort((a, b) => Date.parse(a.published!) - Date.parse(b.published!))
        : [...feed.items].reverse();
    },
  },
});
