import { defineAction } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { notionClient } from '../common/notion-client.ts';
import { requireNotionId } from '../common/notion-id.ts';
import { textToBlocks } from '../common/text-blocks.ts';
import { appendInBatches } from './append-in-batches.ts';

export const appendBlocksAction = defineAction({
  key: 'append_blocks',
  name: 'Append to page',
  description: 'Adds content at the end of a Notion page.',
  props: {
    pageId: prop.text({
      displayName: 'Page',
      required: true,
      description: 'The page id (e.g. from "Create database item"), or its link.',
      placeholder: '{{ steps.create_page.id }}',
    }),
    content: prop.longText({
      displayName: 'Content',
      description:
        'Paragraphs separated by blank lines; "# " headings, "- " bullets, "1. " numbered items, "[ ] " to-dos.',
      placeholder: '## Reply from {{ trigger.from }}\n{{ trigger.bodyText }}',
    }),
    blocks: prop.json({
      displayName: 'Raw blocks',
      description: 'Block objects in Notion API form, appended after the content.',
      placeholder: '[{ "type": "divider", "divider": {} }]',
      schema: { type: 'array', items: { type: 'object' } },
    }),
  },
  output: {
    type: 'object',
    properties: {
      pageId: { type: 'string' },
      count: { type: 'integer' },
      blockIds: { type: 'array', items: { type: 'string' } },
    },
    required: ['pageId', 'count', 'blockIds'],
  },
  sampleOutput: {
    pageId: '59833787-2cf9-4fdf-8782-e53db20768a5',
    count: 2,
    blockIds: ['c02fc1d3-db8b-45c5-a222-27595b15aea7', '5e845049-255f-4566-b7e2-0e1a0a1f4b8e'],
  },
  async run(ctx) {
    const pageId = requireNotionId(ctx.props.pageId, 'Page');
    const raw = Array.isArray(ctx.props.blocks) ? (ctx.props.blocks as unknown[]) : [];
    const children = [...(ctx.props.content ? textToBlocks(ctx.props.content) : []), ...raw];
    if (children.length === 0) throw new Error('Notion: nothing to append; give content or blocks');
    const created = await appendInBatches(notionClient(ctx), pageId, children);
    return { pageId, count: created.length, blockIds: created.map((b) => b.id) };
  },
});
