/** Values a template ships with and its user replaces; valid, so a template activates as it is. */
export const ALERT_TO = 'you@example.com';
export const SITE = 'https://example.com/health';

/** A check failed: the response is not ok, or answers an error status. */
export const isDown = {
  conditions: [
    { left: '{{ steps.check.ok }}', operator: 'is_false' },
    { left: '{{ steps.check.status }}', operator: 'greater_or_equal', right: 400 },
  ],
  combine: 'any',
};
