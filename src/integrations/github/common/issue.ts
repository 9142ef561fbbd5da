import type { JsonSchema } from '../../../catalog/props.ts';

export interface ApiIssue {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: string;
  html_url: string;
  user: { login: string } | null;
  labels: ({ name: string } | string)[];
  assignees?: { login: string }[] | null;
  created_at: string;
}

export interface Issue {
  id: number;
  number: number;
  repository: string;
  title: string;
  body: string | null;
  state: string;
  url: string;
  author: string | null;
  labels: string[];
  assignees: string[];
  createdAt: string;
}

export function toIssue(issue: ApiIssue, repository: string): Issue {
  return {
    id: issue.id,
    number: issue.number,
    repository,
    title: issue.title,
    body: issue.body ?? null,
    state: issue.state,
    url: issue.html_url,
    author: issue.user?.login ?? null,
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : l.name)),
    assignees: (issue.assignees ?? []).map((a) => a.login),
    createdAt: issue.created_at,
  };
}

export const issueSchema: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    number: { type: 'integer' },
    repository: { type: 'string', description: 'owner/name' },
    title: { type: 'string' },
    body: { type: ['string', 'null'] },
    state: { type: 'string', enum: ['open', 'closed'] },
    url: { type: 'string', format: 'uri' },
    author: { type: ['string', 'null'] },
    labels: { type: 'array', items: { type: 'string' } },
    assignees: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: [
    'id',
    'number',
    'repository',
    'title',
    'body',
    'state',
    'url',
    'author',
    'labels',
    'assignees',
    'createdAt',
  ],
};

export const sampleIssue: Issue = {
  id: 1,
  number: 1347,
  repository: 'octo-org/website',
  title: 'Found a bug',
  body: 'The checkout button does nothing on Safari.',
  state: 'open',
  url: 'https://github.com/octo-org/website/issues/1347',
  author: 'octocat',
  labels: ['bug'],
  assignees: [],
  createdAt: '2026-11-20T09:15:02Z',
};
