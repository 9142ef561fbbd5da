import { defineService } from '../../catalog/define.ts';
import { appendBlocksAction } from './actions/append-blocks.ts';
import { createPageAction } from './actions/create-page.ts';
import { notionAuthOptions } from './auth.ts';
import { newItemTrigger } from './triggers/new-item.ts';

export const notionService = defineService({
  key: 'notion',
  name: 'Notion',
  description: 'Watch Notion databases for new items, create items and add content to pages.',
  icon: 'notion',
  category: 'productivity',
  docsUrl: 'https://developers.notion.com/reference/intro',
  auth: notionAuthOptions,
  triggers: [newItemTrigger],
  actions: [createPageAction, appendBlocksAction],
  templates: [
    {
      name: 'Internal integration',
      description: 'A workspace integration secret; share the databases and pages Area may use with it.',
      setupGuide:
        'In Notion open Settings > Integrations > Develop your own integrations, create an internal integration with read, insert and update content capabilities, copy its secret into Area, then open each database or page and add the integration under ··· > Connections.',
    },
  ],
});
