import { defineService } from '../../catalog/define.ts';
import { rssAuth } from './auth.ts';
import { newItemTrigger } from './triggers/new-item.ts';

export const rssService = defineService({
  key: 'rss',
  name: 'RSS / Atom',
  description: 'Start workflows when a blog, news site or any RSS / Atom feed publishes something new.',
  icon: 'rss',
  category: 'content',
  auth: rssAuth,
  triggers: [newItemTrigger],
  actions: [],
  templates: [
    {
      name: 'Public feed',
      description: 'Any RSS 2.0, RSS 1.0 or Atom feed reachable from the Area server; no account needed.',
      setupGuide:
        'Find the feed address (often /feed, /rss.xml or /atom.xml, or the RSS icon of the site) and paste it into the trigger. A private feed usually carries its access token in the URL.',
    },
  ],
});
