import { defineTrigger } from '../../../catalog/define.ts';
import { prop } from '../../../catalog/props.ts';
import { discordClient } from '../common/client.ts';

interface ApiMember {
  user: { id: string; username: string; global_name?: string | null; bot?: boolean };
  nick?: string | null;
  roles: string[];
  joined_at: string;
}

interface Member {
  guildId: string;
  userId: string;
  username: string;
  displayName: string | null;
  nick: string | null;
  bot: boolean;
  roles: string[];
  joinedAt: string;
}

const PAGE = 1000;
/** Guilds up to 20 000 members are listed in full each poll. */
const MAX_PAGES = 20;

export const memberJoinedTrigger = defineTrigger({
  key: 'member_joined',
  name: 'Member joined a server',
  description:
    'Runs for each member who joins a server. The bot needs the Server Members privileged intent (Developer Portal > Bot).',
  mode: 'polling',
  props: {
    guildId: prop.text({
      displayName: 'Server ID',
      required: true,
      placeholder: '1012345678901234567',
      pattern: '^[0-9]{5,25}$',
    }),
  },
  output: {
    type: 'object',
    properties: {
      guildId: { type: 'string' },
      userId: { type: 'string' },
      username: { type: 'string' },
      displayName: { type: ['string', 'null'] },
      nick: { type: ['string', 'null'] },
      bot: { type: 'boolean' },
      roles: { type: 'array', items: { type: 'string' } },
      joinedAt: { type: 'string', format: 'date-time' },
    },
    required: ['guildId', 'userId', 'username', 'displayName', 'nick', 'bot', 'roles', 'joinedAt'],
  },
  sampleOutput: {
    guildId: '1012345678901234567',
    userId: '80351110224678912',
    username: 'nelly',
    displayName: 'Nelly',
    nick: null,
    bot: false,
    roles: [],
    joinedAt: '2026-11-20T09:15:02.114000+00:00',
  },
  polling: {
    intervalSeconds: 300,
    // The member list is ordered by user id, not by join time, so newness is the join time.
    dedupe: { by: 'timestamp', timestamp: (m: Member) => m.joinedAt, id: (m: Member) => m.userId },
    async poll(ctx) {
      const client = discordClient(ctx);
      const members: Member[] = [];
      let after = '0';
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const batch = await client.bot().json<ApiMember[]>({
          path: `/guilds/${ctx.props.guildId}/members`,
          query: { limit: PAGE, after },
        });
        for (const m of batch) {
          members.push({
            guildId: ctx.props.guildId,
            userId: m.user.id,
            username: m.user.username,
            displayName: m.user.global_name ?? null,
            nick: m.nick ?? null,
            bot: m.user.bot === true,
            roles: m.roles,
            joinedAt: m.joined_at,
          });
        }
        if (batch.length < PAGE) break;
        after = batch[batch.length - 1]!.user.id;
      }
      return members;
    },
  },
});
