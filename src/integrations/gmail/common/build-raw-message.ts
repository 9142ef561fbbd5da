export interface OutgoingEmail {
  from?: string | undefined;
  to: string;
  cc?: string | undefined;
  bcc?: string | undefined;
  replyTo?: string | undefined;
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
  inReplyTo?: string | undefined;
}

/**
 * The RFC 2822 message Gmail's send endpoint wants, base64url encoded. Nodemailer's composer does the
 * header encoding (non-ASCII subjects, folded addresses) and refuses header injection through newlines.
 */
export async function buildRawMessage(email: OutgoingEmail): Promise<string> {
  // Loaded on first use: most processes never send an email.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer/index.js');
  const composer = new MailComposer({
    ...(email.from ? { from: email.from } : {}),
    to: email.to,
    ...(email.cc ? { cc: email.cc } : {}),
    ...(email.bcc ? { bcc: email.bcc } : {}),
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    ...(email.inReplyTo ? { inReplyTo: email.inReplyTo, references: email.inReplyTo } : {}),
    subject: email.subject,
    ...(email.text !== undefined ? { text: email.text } : {}),
    ...(email.html !== undefined ? { html: email.html } : {}),
  });
  // Gmail drops Bcc from what recipients see but needs the header to deliver to them.
  const node = composer.compile();
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  const message = await node.build();
  return message.toString('base64url');
}
