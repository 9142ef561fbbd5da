/** The parts of Notion's API objects that Area reads. */

export interface RichText {
  type?: string;
  plain_text?: string;
  text?: { content: string; link?: { url: string } | null };
}

export type PropertyValue = { id?: string; type: string } & Record<string, unknown>;

export interface NotionPage {
  object: 'page';
  id: string;
  url: string;
  created_time: string;
  last_edited_time: string;
  archived?: boolean;
  parent?: Record<string, unknown>;
  properties: Record<string, PropertyValue>;
}

export interface NotionList<T> {
  object: 'list';
  results: T[];
  next_cursor: string | null;
  has_more: boolean;
}

export interface NotionDatabase {
  object: 'database';
  id: string;
  title?: RichText[];
  properties: Record<string, { id: string; name: string; type: string } & Record<string, unknown>>;
}

export interface NotionBlock {
  object: 'block';
  id: string;
  type: string;
  created_time?: string;
  has_children?: boolean;
}
