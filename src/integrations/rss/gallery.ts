import type { BuiltInTemplate } from '../../workflows/built-in-templates.ts';

/** Gallery workflows that start from a feed. */
export const rssGallery: readonly BuiltInTemplate[] = [
  {
    slug: 'rss-to-slack',
    category: 'notifications',
    difficulty: 'beginner',
    featured: true,
    definition: {
      name: 'Post new blog articles to Slack',
      description: 'Shares every new item of an RSS or Atom feed in a Slack channel.',
      tags: ['rss', 'slack'],
      trigger: {
        key: 'article',
        service: 'rss',
        component: 'new_item',
        config: { url: 'https://blog.example.com/feed.xml' },
      },
      actions: [
        {
          key: 'share',
          service: 'slack',
          component: 'post_message',
          config: {
            channel: 'C0123456789',
            text: '📰 <{{ trigger.link }}|{{ trigger.title }}> — {{ trigger.feedTitle }}',
          },
        },
      ],
    },
  },
  {
    slug: 'rss-ai-digest-to-notion',
    category: 'productivity',
    difficulty: 'intermediate',
    definition: {
      name: 'Reading list: feed articles summarized in Notion',
      description:
        'Summarizes each new article of a feed in bullet points with Gemini and files it in a Notion reading list.',
      tags: ['rss', 'ai', 'notion'],
      trigger: {
        key: 'article',
        service: 'rss',
        component: 'new_item',
        config: { url: 'https://news.example.com/atom.xml' },
      },
      actions: [
        {
          key: 'digest',
          service: 'gemini',
          component: 'summarize',
          config: { text: '{{ trigger.title }}\n\n{{ trigger.text }}', style: 'bullets', maxWords: 120 },
        },
        {
          key: 'file',
          service: 'notion',
          component: 'create_page',
          config: {
            databaseId: 'https://www.notion.so/acme/fedcba9876543210fedcba9876543210',
            title: '{{ trigger.title }}',
            content: '{{ trigger.link }}\n\n{{ steps.digest.summary }}',
          },
        },
      ],
    },
  },
];
