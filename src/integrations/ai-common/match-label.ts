const normalize = (value: string) =>
  value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/**
 * The label a model's answer names: an exact (case, accent and punctuation blind) match first, then
 * the only label that appears as whole words in the answer ("Category: Billing."). Undefined when the
 * answer names none or several.
 */
export function matchLabel(answer: string, labels: readonly string[]): string | undefined {
  const said = normalize(answer.replace(/^\s*(label|category|class|answer)\s*:/i, ''));
  if (!said) return undefined;
  const exact = labels.find((label) => normalize(label) === said);
  if (exact !== undefined) return exact;
  const padded = ` ${said} `;
  const mentioned = labels.filter((label) => normalize(label) && padded.includes(` ${normalize(label)} `));
  if (mentioned.length === 1) return mentioned[0];
  // "billing issue" and "billing" both appear: the longest mention is the one meant.
  if (mentioned.length > 1) {
    const longest = [...mentioned].sort((a, b) => normalize(b).length - normalize(a).length);
    const [first, second] = longest;
    if (first && second && normalize(first).includes(normalize(second))) {
      const others = longest.slice(1).every((l) => normalize(first).includes(normalize(l)));
      if (others) return first;
    }
  }
  return undefined;
}
