import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { emailOutput, emailSample } from '../common/email-output.ts';
import { gmailClient } from '../common/gmail-client.ts';
import type { GmailMessage, GmailMessageList } from '../common/gmail-types.ts';
import { type ParsedEmail, parseMessage } from '../common/parse-message.ts';

type Listed = { id: string; threadId: string };

/** List pages read per poll at most. */
const MAX_PAGES = 4;

export const newEmailTrigger = defineTrigger({
  key: 'new_email',
  name: 'New email',
  description: 'Starts a run for each new email matching a Gmail search query.',
  mode: 'polling',
  props: {
    query: prop.text({
      displayName: 'Search query',
      description: 'Gmail search syntax, as in the Gmail search box. Empty: every new email in the inbox.',
      placeholder: 'from:billing@example.com has:attachment newer_than:7d',
      default: 'in:inbox',
    }),
    labelIds: prop.array({
      displayName: 'Label ids',
      placeholder: '["INBOX", "UNREAD"]',
      description: 'Only emails carrying all of these labels (INBOX, UNREAD, STARRED or a label id).',
      items: prop.text({ displayName: 'Label id', placeholder: 'UNREAD' }),
    }),
    includeSpamTrash: prop.boolean({ displayName: 'Include spam and trash', default: false }),
    maxResults: prop.number({
      displayName: 'Emails checked per poll',
      description:
        'The page size of each look at the inbox; a poll reads up to 4 pages when more new emails arrived since the last one.',
      integer: true,
      minimum: 1,
      maximum: 100,
      default: 25,
      placeholder: '25',
    }),
  },
  output: emailOutput,
  sampleOutput: emailSample,
  polling: {
    intervalSeconds: 60,
    dedupe: { by: 'id', id: (item: Listed | ParsedEmail) => item.id },
    async poll(ctx) {
      const api = gmailClient(ctx);
      const seen = new Set(ctx.cursor.seenIds);
      const listed: Listed[] = [];
      let pageToken: string | undefined;
      // A burst larger than one page is read back until a known email shows up (a few pages at most).
      for (let page = 0; page < (ctx.cursor.firstPoll ? 1 : MAX_PAGES); page += 1) {
        const list = await api.json<GmailMessageList>({
          path: '/gmail/v1/users/me/messages',
          query: {
            q: ctx.props.query || undefined,
            maxResults: ctx.props.maxResults ?? 25,
            labelIds: ctx.props.labelIds ?? [],
            includeSpamTrash: ctx.props.includeSpamTrash ? true : undefined,
            pageToken,
          },
        });
        const messages = list?.messages ?? [];
        listed.push(...messages);
        if (!list?.nextPageToken || messages.some((m) => seen.has(m.id))) break;
        pageToken = list.nextPageToken;
      }
      // The first poll only records what is already there, so it needs no message bodies.
      if (ctx.cursor.firstPoll) return listed;
      const fresh = listed.filter((m) => !seen.has(m.id)).reverse();
      const emails: ParsedEmail[] = [];
      for (const m of fresh) {
        const response = await api.send({
          path: `/gmail/v1/users/me/messages/${encodeURIComponent(m.id)}`,
          query: { format: 'full' },
          accept: [404],
        });
        // Deleted between the list and the read: nothing to fire for it.
        if (response.status === 404) continue;
        emails.push(parseMessage(response.json<GmailMessage>()));
      }
      return emails;
    },
  },
});
