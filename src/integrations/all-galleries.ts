import type { BuiltInTemplate } from '../workflows/built-in-templates.ts';
import { anthropicGallery } from './anthropic/gallery.ts';
import { discordGallery } from './discord/gallery.ts';
import { githubGallery } from './github/gallery.ts';
import { gmailGallery } from './gmail/gallery.ts';
import { googleSheetsGallery } from './google-sheets/gallery.ts';
import { mqttGallery } from './mqtt/gallery.ts';
import { notionGallery } from './notion/gallery.ts';
import { postgresGallery } from './postgres/gallery.ts';
import { rssGallery } from './rss/gallery.ts';
import { slackGallery } from './slack/gallery.ts';
import { telegramGallery } from './telegram/gallery.ts';

/** The gallery entries that use the integrations beyond the core services. */
export const INTEGRATION_GALLERY: readonly BuiltInTemplate[] = [
  ...githubGallery,
  ...discordGallery,
  ...slackGallery,
  ...telegramGallery,
  ...gmailGallery,
  ...googleSheetsGallery,
  ...notionGallery,
  ...rssGallery,
  ...anthropicGallery,
  ...postgresGallery,
  ...mqttGallery,
];
