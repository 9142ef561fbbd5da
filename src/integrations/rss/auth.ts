import type { ServiceAuth } from '../../catalog/define.ts';

/** Public feeds need no credentials; a private feed usually carries its token in the URL. */
export const rssAuth: ServiceAuth = { type: 'none' };
