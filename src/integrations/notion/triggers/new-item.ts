import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { notionClient } from '../common/notion-client.ts';
import { requireNotionId } from '../common/notion-id.ts';
import type { NotionList, NotionPage } from '../common/notion-types.ts';
import { type PageSummary, pageOutput, pageSample, pageSummary } from '../common/page-output.ts';

/** Pages read per poll at most (5 requests); a backlog larger than this is caught up over several polls. */
const MAX_PAGES = 5;

export const newItemTrigger = defineTrigger({
  key: 'new_item',
  name: 'New database item',
  description:
    'Starts a run for each page added to a Notion database (share the database with the integration first).',
  mode: 'polling',
  props: {
    databaseId: prop.text({
      displayName: 'Database',
      required: true,
      description: 'The database id, or its link (Share > Copy link).',
      placeholder: 'https://www.notion.so/acme/0123456789abcdef0123456789abcdef?v=...',
    }),
  },
  output: pageOutput,
  sampleOutput: pageSample,
  polling: {
    intervalSeconds: 60,
    // Notion rounds created_time to the minute; pages sharing the newest minute are told apart by id.
    dedupe: {
      by: 'timestamp',
      timestamp: (page: PageSummary) => page.createdTime,
      id: (page: PageSummary) => page.id,
    },
    async poll(ctx) {
      const databaseId = requireNotionId(ctx.props.databaseId, 'Database');
      const api = notionClient(ctx);
      const since = ctx.cursor.lastTimestamp;
      const items: PageSummary[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < (ctx.cursor.firstPoll ? 1 : MAX_PAGES); page += 1) {
        const list = await api.json<NotionList<NotionPage>>({
          method: 'POST',
          path: `/v1/databases/${databaseId}/query`,
          json: {
            sorts: [{ timestamp: 'created_time', direction: 'descending' }],
            page_size: 100,
            ...(since !== undefined
              ? {
                  filter: {
                    timestamp: 'created_time',
                    created_time: { on_or_after: new Date(since).toISOString() },
                  },
                }
              : {}),
            ...(cursor ? { start_cursor: cursor } : {}),
          },
        });
        items.push(...list.results.filter((p) => p.object === 'page' && !p.archived).map(pageSummary));
        if (!list.has_more || !list.next_cursor) break;
        cursor = list.next_cursor;
      }
      return items;
    },
  },
});
