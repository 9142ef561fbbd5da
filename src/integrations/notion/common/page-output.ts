import type { NotionPage } from './notion-types.ts';
import { type SimpleValue, simplifyProperties } from './simplify-properties.ts';

export interface PageSummary {
  id: string;
  url: string;
  createdTime: string;
  lastEditedTime: string;
  /** Property values made plain (text, numbers, select names, ISO dates). */
  properties: Record<string, SimpleValue>;
}

export function pageSummary(page: NotionPage): PageSummary {
  return {
    id: page.id,
    url: page.url,
    createdTime: page.created_time,
    lastEditedTime: page.last_edited_time,
    properties: simplifyProperties(page.properties ?? {}),
  };
}

export const pageOutput = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    createdTime: { type: 'string', format: 'date-time' },
    lastEditedTime: { type: 'string', format: 'date-time' },
    properties: {
      type: 'object',
      additionalProperties: { type: ['string', 'number', 'boolean', 'null', 'array'] },
    },
  },
  required: ['id', 'url', 'createdTime', 'lastEditedTime', 'properties'],
};

export const pageSample: PageSummary = {
  id: '59833787-2cf9-4fdf-8782-e53db20768a5',
  url: 'https://www.notion.so/Invoice-2026-114-598337872cf94fdf8782e53db20768a5',
  createdTime: '2026-11-23T08:15:00.000Z',
  lastEditedTime: '2026-11-23T08:15:00.000Z',
  properties: {
    Name: 'Invoice 2026-114',
    Status: 'To review',
    Amount: 120,
    Tags: ['billing'],
    Due: '2026-12-01',
  },
};
