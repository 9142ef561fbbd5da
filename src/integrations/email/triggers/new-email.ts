import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import type { EmailCredentials } from '../auth.ts';
import { withImap } from '../imap.ts';

/** How many recent messages a poll reads at most. */
const BATCH = 50;
/** Bodies longer than this are cut (the full message stays on the server). */
const BODY_LIMIT = 100_000;

export interface NewEmail {
  id: string;
  uid: number;
  mailbox: string;
  messageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  date: string | null;
  text: string;
  html: string | null;
}

const addressesOf = (
  value: { value?: { address?: string }[] } | { value?: { address?: string }[] }[] | undefined,
) =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((v) => v.value ?? [])
    .map((a) => a.address ?? '')
    .filter(Boolean);

export const newEmailTrigger = defineTrigger({
  key: 'new_email',
  name: 'New email',
  description: 'Runs once for each new message in a mailbox, read over IMAP (deduplicated by UID).',
  mode: 'polling',
  props: {
    mailbox: prop.text({ displayName: 'Mailbox', default: 'INBOX' }),
  },
  output: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'UIDVALIDITY:UID, unique in the mailbox' },
      uid: { type: 'integer' },
      mailbox: { type: 'string' },
      messageId: { type: ['string', 'null'] },
      from: { type: ['string', 'null'] },
      to: { type: 'array', items: { type: 'string' } },
      subject: { type: ['string', 'null'] },
      date: { type: ['string', 'null'], format: 'date-time' },
      text: { type: 'string' },
      html: { type: ['string', 'null'] },
    },
    required: ['id', 'uid', 'mailbox', 'from', 'to', 'subject', 'text'],
  },
  sampleOutput: {
    id: '1700000000:42',
    uid: 42,
    mailbox: 'INBOX',
    messageId: '<abc@example.com>',
    from: 'ada@example.com',
    to: ['me@example.com'],
    subject: 'Hello',
    date: '2026-01-05T09:00:00.000Z',
    text: 'Hi there',
    html: null,
  },
  polling: {
    intervalSeconds: 60,
    dedupe: { by: 'id', id: (item: NewEmail) => item.id },
    async poll(ctx): Promise<NewEmail[]> {
      const credentials = ctx.auth as EmailCredentials;
      const mailbox = ctx.props.mailbox || 'INBOX';
      // The parser is loaded on first use: most processes never read a mailbox.
      const { simpleParser } = await import('mailparser');
      return withImap(credentials, async (client) => {
        const lock = await client.getMailboxLock(mailbox, { readOnly: true });
        try {
          const box = client.mailbox;
          if (!box || box.exists === 0) return [];
          const validity = String(box.uidValidity);
          // Ask only for UIDs above the highest one already seen under the same UIDVALIDITY.
          const seen = ctx.cursor.seenIds
            .filter((id) => id.startsWith(`${validity}:`))
            .map((id) => Number(id.split(':')[1]));
          const highest = seen.length > 0 ? Math.max(...seen) : 0;
          const from = Math.max(highest + 1, box.uidNext - BATCH, 1);
          const items: NewEmail[] = [];
          for await (const message of client.fetch(`${from}:*`, { uid: true, source: true }, { uid: true })) {
            if (message.uid <= highest || !message.source) continue;
            const parsed = await simpleParser(message.source);
            items.push({
              id: `${validity}:${message.uid}`,
              uid: message.uid,
              mailbox,
              messageId: parsed.messageId ?? null,
              from: addressesOf(parsed.from)[0] ?? null,
              to: addressesOf(parsed.to),
              subject: parsed.subject ?? null,
              date: parsed.date ? parsed.date.toISOString() : null,
              text: (parsed.text ?? '').slice(0, BODY_LIMIT),
              html: typeof parsed.html === 'string' ? parsed.html.slice(0, BODY_LIMIT) : null,
            });
          }
          return items.sort((a, b) => a.uid - b.uid);
        } finally {
          lock.release();
        }
      });
    },
  },
});
