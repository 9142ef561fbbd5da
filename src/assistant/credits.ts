import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { TokenUsage } from './chat-provider.ts';

/** Credits one turn costs: every started block of `tokensPerCredit` tokens (in + out) is one credit. */
export function creditsFor(usage: TokenUsage, tokensPerCredit: number): number {
  const tokens = usage.inputTokens + usage.outputTokens;
  return tokens <= 0 ? 0 : Math.ceil(tokens / tokensPerCredit);
}

/** A turn starts only while the user has credits left (its exact cost is known only afterwards). */
export async function ensureCredits(db: Kysely<DB>, userId: string): Promise<void> {
  const user = await db
    .selectFrom('users')
    .select(['credits_used', 'credits_limit'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  if (user.credits_used >= user.credits_limit) {
    throw new AppError('forbidden', 'No credits left for the assistant this period', {
      details: {
        path: 'credits',
        rule: 'credit_limit',
        creditsUsed: user.credits_used,
        creditsLimit: user.credits_limit,
      },
    });
  }
}

export async function chargeCredits(db: Kysely<DB>, userId: string, credits: number): Promise<void> {
  if (credits <= 0) return;
  await db
    .updateTable('users')
    .set({ credits_used: sql`credits_used + ${credits}` })
    .where('id', '=', userId)
    .execute();
}
