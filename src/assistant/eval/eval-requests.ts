/**
 * Written requests with the services and components a good proposal uses (`service.component`).
 * A proposal matches when it uses every expected component (extra steps are allowed).
 */
export interface EvalRequest {
  request: string;
  expected: string[];
}

export const EVAL_REQUESTS: readonly EvalRequest[] = [
  {
    request: 'Every morning at 8:00, call https://api.example.com/report with a GET request.',
    expected: ['schedule.daily_at', 'http.request'],
  },
  {
    request:
      'Every 15 minutes, fetch https://status.example.com/health and email me at ops@example.com if the status field is not "ok".',
    expected: ['schedule.interval', 'http.request', 'logic.condition', 'email.send'],
  },
  {
    request: 'When my webhook receives an order, email the order total to sales@example.com.',
    expected: ['webhook.catch_hook', 'email.send'],
  },
  {
    request:
      'When a webhook arrives, forward its body as JSON in a POST request to https://hooks.example.com/in.',
    expected: ['webhook.catch_hook', 'http.request'],
  },
  {
    request: 'Run by hand: send a test email to me@example.com with the subject "hello".',
    expected: ['manual.run', 'email.send'],
  },
  {
    request: 'On every weekday at 9am (cron), post {"ping": true} to https://example.com/ping.',
    expected: ['schedule.cron', 'http.request'],
  },
  {
    request:
      'When a webhook arrives, continue only if the body field "amount" is above 100, then POST it to https://erp.example.com/orders.',
    expected: ['webhook.catch_hook', 'logic.filter', 'http.request'],
  },
  {
    request: 'When I get a new email, forward its subject to https://example.com/inbox as a POST request.',
    expected: ['email.new_email', 'http.request'],
  },
  {
    request: 'When a webhook arrives, wait 10 minutes and then email follow-up@example.com.',
    expected: ['webhook.catch_hook', 'logic.delay', 'email.send'],
  },
  {
    request:
      'When a webhook arrives, keep only the fields "name" and "email" from its body and POST them to https://crm.example.com/leads.',
    expected: ['webhook.catch_hook', 'transform.pick', 'http.request'],
  },
  {
    request:
      'When a webhook arrives, format its "createdAt" date as YYYY-MM-DD and email it to me@example.com.',
    expected: ['webhook.catch_hook', 'transform.format_date', 'email.send'],
  },
  {
    request:
      'Every hour, GET https://api.example.com/price and if the price is below 50 send an email alert to me@example.com.',
    expected: ['schedule.interval', 'http.request', 'logic.condition', 'email.send'],
  },
  {
    request:
      'When someone posts to my webhook, build an object {"user": name, "source": "web"} from the body and send it to https://example.com/users.',
    expected: ['webhook.catch_hook', 'transform.build', 'http.request'],
  },
  {
    request: 'Every day at 18:00, email me a reminder to fill in my timesheet.',
    expected: ['schedule.daily_at', 'email.send'],
  },
  {
    request: 'When a new email arrives, send its subject to my Discord channel.',
    expected: ['email.new_email', 'discord.send_message'],
  },
  {
    request: 'When a new message is posted in my Discord server, email it to me@example.com.',
    expected: ['discord.new_message', 'email.send'],
  },
  {
    request: 'When a new member joins my Discord server, post a welcome message in the #welcome channel.',
    expected: ['discord.member_joined', 'discord.send_message'],
  },
  {
    request: 'When a new row is added to my Google Sheet, send me an email with its contents.',
    expected: ['google-sheets.new_row', 'email.send'],
  },
  {
    request: 'When a webhook receives a signup, append a row with the name and email to my Google Sheet.',
    expected: ['webhook.catch_hook', 'google-sheets.append_row'],
  },
  {
    request:
      'When a new item appears in the RSS feed https://blog.example.com/feed.xml, post its title to Discord.',
    expected: ['rss.new_item', 'discord.send_message'],
  },
  {
    request:
      'When a new item appears in the RSS feed https://news.example.com/rss, summarize it with OpenAI and email the summary to me@example.com.',
    expected: ['rss.new_item', 'openai.summarize', 'email.send'],
  },
  {
    request:
      'When I receive a new Gmail message, classify it as urgent or not with OpenAI and forward urgent ones to boss@example.com.',
    expected: ['gmail.new_email', 'openai.classify', 'gmail.send_email'],
  },
  {
    request: 'When a new item is added to my Notion database, send its title to Discord.',
    expected: ['notion.new_item', 'discord.send_message'],
  },
  {
    request: 'When a webhook arrives with a meeting note, create a Notion page with its text.',
    expected: ['webhook.catch_hook', 'notion.create_page'],
  },
  {
    request: 'Every Monday at 9am, generate a motivational quote with OpenAI and post it on Discord.',
    expected: ['schedule.cron', 'openai.generate_text', 'discord.send_message'],
  },
  {
    request:
      'When a new Gmail message arrives, extract the invoice number and amount as JSON with OpenAI and append them to a Google Sheet.',
    expected: ['gmail.new_email', 'openai.extract_json', 'google-sheets.append_row'],
  },
  {
    request:
      'When a webhook arrives, rename the field "mail" to "email" in the body and POST it to https://example.com/contacts.',
    expected: ['webhook.catch_hook', 'transform.rename', 'http.request'],
  },
  {
    request:
      'When a webhook arrives, format the "total" number with two decimals and email the receipt to the address in the body.',
    expected: ['webhook.catch_hook', 'transform.format_number', 'email.send'],
  },
  {
    request: 'Run by hand: GET https://api.example.com/users and send the answer to my Discord channel.',
    expected: ['manual.run', 'http.request', 'discord.send_message'],
  },
  {
    request:
      'When a new Gmail message arrives from my bank, add a row to my Google Sheet with the subject and date.',
    expected: ['gmail.new_email', 'logic.filter', 'google-sheets.append_row'],
  },
];
