import type { ApiClient } from '../../api-client/api-client.ts';
import type { NotionBlock, NotionList } from '../common/notion-types.ts';

/** Appends children to a block or page, 100 per request (Notion's limit), in order. */
export async function appendInBatches(
  api: ApiClient,
  blockId: string,
  children: unknown[],
): Promise<NotionBlock[]> {
  const created: NotionBlock[] = [];
  for (let i = 0; i < children.length; i += 100) {
    const list = await api.json<NotionList<NotionBlock>>({
      method: 'PATCH',
      path: `/v1/blocks/${blockId}/children`,
      json: { children: children.slice(i, i + 100) },
    });
    created.push(...list.results);
  }
  return created;
}
