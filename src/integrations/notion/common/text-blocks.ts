import { chunk } from './build-properties.ts';

const richText = (content: string) =>
  chunk(content, 2000).map((part) => ({ type: 'text', text: { content: part } }));

function block(type: string, content: string): Record<string, unknown> {
  return { object: 'block', type, [type]: { rich_text: richText(content) } };
}

/**
 * Notion blocks from plain text: blank lines separate paragraphs; `# `, `## `, `### ` lines become
 * headings, `- ` / `* ` lines bulleted items, `1. ` lines numbered items, `> ` lines quotes,
 * `[ ] ` / `[x] ` lines to-dos.
 */
export function textToBlocks(text: string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(block('paragraph', paragraph.join('\n')));
    paragraph = [];
  };
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const heading = /^(#{1,3}) (.*)$/.exec(line);
    const bullet = /^[-*] (.*)$/.exec(line);
    const numbered = /^\d+[.)] (.*)$/.exec(line);
    const quote = /^> ?(.*)$/.exec(line);
    const checkbox = /^\[( |x|X)\] (.*)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      blocks.push(block(`heading_${heading[1]!.length}`, heading[2]!));
    } else if (checkbox) {
      flush();
      blocks.push({
        object: 'block',
        type: 'to_do',
        to_do: { rich_text: richText(checkbox[2]!), checked: checkbox[1] !== ' ' },
      });
    } else if (bullet) {
      flush();
      blocks.push(block('bulleted_list_item', bullet[1]!));
    } else if (numbered) {
      flush();
      blocks.push(block('numbered_list_item', numbered[1]!));
    } else if (quote) {
      flush();
      blocks.push(block('quote', quote[1]!));
    } else paragraph.push(line);
  }
  flush();
  return blocks;
}
