import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { buildProperties } from '../common/build-properties.ts';
import { notionClient } from '../common/notion-client.ts';
import { requireNotionId } from '../common/notion-id.ts';
import type { NotionDatabase, NotionPage } from '../common/notion-types.ts';
import { pageOutput, pageSample, pageSummary } from '../common/page-output.ts';
import { textToBlocks } from '../common/text-blocks.ts';
import { appendInBatches } from './append-in-batches.ts';

export const createPageAction = defineAction({
  key: 'create_page',
  name: 'Create database item',
  description: 'Adds a page to a Notion database, with property values and optional content.',
  props: {
    databaseId: prop.text({
      displayName: 'Database',
      required: true,
      description: 'The database id, or its link.',
      placeholder: 'https://www.notion.so/acme/0123456789abcdef0123456789abcdef?v=...',
    }),
    title: prop.text({
      displayName: 'Title',
      description: 'The value of the title column.',
      placeholder: '{{ trigger.subject }}',
    }),
    values: prop.record({
      displayName: 'Property values',
      description:
        'Plain values by property name, shaped by the database: text, numbers, checkbox (true/false), select and status names, multi-select as a comma list, dates as ISO strings.',
      values: prop.json({ displayName: 'Value' }),
      placeholder: '{ "Status": "To review", "Amount": 120, "Tags": "billing, urgent" }',
    }),
    properties: prop.json({
      displayName: 'Raw properties',
      description: 'Property values in Notion API form, for types plain values cannot express; merged last.',
      placeholder: '{ "Assignee": { "people": [{ "id": "d40e767c-d7af-4b18-a86d-55c61f1e39a4" }] } }',
      schema: { type: 'object' },
    }),
    content: prop.longText({
      displayName: 'Content',
      description:
        'The page body: paragraphs separated by blank lines; "# " headings, "- " bullets, "[ ] " to-dos.',
      placeholder: '# Summary\n{{ steps.summarize.text }}',
    }),
  },
  output: pageOutput,
  sampleOutput: pageSample,
  async run(ctx) {
    const databaseId = requireNotionId(ctx.props.databaseId, 'Database');
    const api = notionClient(ctx);
    let properties: Record<string, unknown> = {};
    if (ctx.props.title !== undefined || Object.keys(ctx.props.values ?? {}).length > 0) {
      const database = await api.json<NotionDatabase>({ path: `/v1/databases/${databaseId}` });
      const values: Record<string, unknown> = { ...(ctx.props.values ?? {}) };
      if (ctx.props.title !== undefined) {
        const titleName = Object.values(database.properties).find((p) => p.type === 'title')?.name;
        if (titleName) values[titleName] = ctx.props.title;
      }
      const built = buildProperties(database, values);
      if (!built.ok) throw new Error(`Notion: ${built.problems.join('; ')}`);
      properties = built.properties;
    }
    const blocks = ctx.props.content ? textToBlocks(ctx.props.content) : [];
    const page = await api.json<NotionPage>({
      method: 'POST',
      path: '/v1/pages',
      json: {
        parent: { database_id: databaseId },
        properties: {
          ...properties,
          ...((ctx.props.properties as Record<string, unknown> | undefined) ?? {}),
        },
        // A page is created with at most 100 blocks; the rest is appended after.
        ...(blocks.length > 0 ? { children: blocks.slice(0, 100) } : {}),
      },
    });
    if (blocks.length > 100) await appendInBatches(api, page.id, blocks.slice(100));
    return pageSummary(page);
  },
});
