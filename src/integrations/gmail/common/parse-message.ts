import type { GmailMessage, GmailPart } from './gmail-types.ts';

export interface EmailAttachment {
  filename: string;
  mimeType: string;
  size: number;
  attachmentId: string | null;
}

/** A Gmail message as a workflow reads it: headers by name, bodies decoded, attachments listed. */
export interface ParsedEmail {
  id: string;
  threadId: string;
  labelIds: string[];
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | null;
  snippet: string;
  bodyText: string;
  bodyHtml: string;
  attachments: EmailAttachment[];
}

function decodeBase64Url(data: string | undefined): string {
  return data ? Buffer.from(data, 'base64url').toString('utf8') : '';
}

function walk(part: GmailPart | undefined, visit: (part: GmailPart) => void): void {
  if (!part) return;
  visit(part);
  for (const child of part.parts ?? []) walk(child, visit);
}

export function parseMessage(message: GmailMessage): ParsedEmail {
  const headers = new Map<string, string>();
  for (const h of message.payload?.headers ?? []) {
    if (!headers.has(h.name.toLowerCase())) headers.set(h.name.toLowerCase(), h.value);
  }
  let bodyText = '';
  let bodyHtml = '';
  const attachments: EmailAttachment[] = [];
  walk(message.payload, (part) => {
    if (part.filename) {
      attachments.push({
        filename: part.filename,
        mimeType: part.mimeType ?? 'application/octet-stream',
        size: part.body?.size ?? 0,
        attachmentId: part.body?.attachmentId ?? null,
      });
      return;
    }
    // The first text part of each kind is the body; later ones belong to forwarded or nested messages.
    if (part.mimeType === 'text/plain' && !bodyText) bodyText = decodeBase64Url(part.body?.data);
    if (part.mimeType === 'text/html' && !bodyHtml) bodyHtml = decodeBase64Url(part.body?.data);
  });
  const internal = Number(message.internalDate);
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds ?? [],
    from: headers.get('from') ?? '',
    to: headers.get('to') ?? '',
    cc: headers.get('cc') ?? '',
    subject: headers.get('subject') ?? '',
    date: Number.isFinite(internal) && message.internalDate ? new Date(internal).toISOString() : null,
    snippet: message.snippet ?? '',
    bodyText,
    bodyHtml,
    attachments,
  };
}
