import type { ServiceDefinition } from '../catalog/define.ts';
import { anthropicService } from './anthropic/index.ts';
import { coreServices } from './core-services.ts';
import { discordService } from './discord/index.ts';
import { geminiService } from './gemini/index.ts';
import { githubService } from './github/index.ts';
import { gmailService } from './gmail/index.ts';
import { googleSheetsService } from './google-sheets/index.ts';
import { mqttService } from './mqtt/index.ts';
import { notionService } from './notion/index.ts';
import { openAiService } from './openai/index.ts';
import { postgresService } from './postgres/index.ts';
import { rssService } from './rss/index.ts';
import { slackService } from './slack/index.ts';
import { telegramService } from './telegram/index.ts';

/** Every service this build of Area ships; main.ts builds the catalog from it. Add a service here. */
export const allServices: readonly ServiceDefinition[] = [
  ...coreServices,
  discordService,
  slackService,
  telegramService,
  githubService,
  postgresService,
  mqttService,
  gmailService,
  googleSheetsService,
  notionService,
  rssService,
  openAiService,
  anthropicService,
  geminiService,
];
