import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { Button, Card, ErrorNotice, Field, PageHeader } from '../components/ui.tsx';
import { useAuth } from '../lib/auth.tsx';
import { getPreference, setPreference } from '../lib/preferences.ts';
import { problemAt } from '../lib/problems.ts';
import { useAction, useApi } from '../lib/use-api.ts';

function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? ['UTC'];
}

export const DASHBOARD_DAYS_KEY = 'dashboardDays';

export function ProfilePage() {
  const { user, setUser } = useAuth();
  const [name, setName] = useState(user?.name ?? '');
  const [timezone, setTimezone] = useState(
    user?.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone,
  );
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    const next = await api<User>('PATCH', '/me', { body: { name: name.trim() || null, timezone } });
    setUser(next);
    setSaved(true);
  });

  const days = useApi((signal) => getPreference<number>(DASHBOARD_DAYS_KEY, 14, signal), []);
  const [range, setRange] = useState('14');
  useEffect(() => {
    if (typeof days.data === 'number') setRange(String(days.data));
  }, [days.data]);
  const savePreference = useAction(async (value: string) => {
    setRange(value);
    await setPreference(DASHBOARD_DAYS_KEY, Number(value));
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    void save.run();
  };

  return (
    <>
      <PageHeader title="Profile" subtitle={user?.email} />
      <div className="grid-2">
        <Card title="You">
          <form className="form" onSubmit={submit}>
            <ErrorNotice
              error={save.error?.problems.length ? undefined : save.error}
              what="Editing the profile"
            />
            <Field label="Name" error={problemAt(save.error, 'name')}>
              {(id, d) => (
                <input id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} />
              )}
            </Field>
            <Field
              label="Time zone"
              hint="Dates, the dashboard's days and schedules use it."
              error={problemAt(save.error, 'timezone')}
            >
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  value={timezone}
                  onChange={(e) => setTimezone(e.target.value)}
                >
                  {timeZones().map((zone) => (
                    <option key={zone}>{zone}</option>
                  ))}
                </select>
              )}
            </Field>
            <div className="row">
              <Button type="submit" variant="primary" pending={save.pending}>
                Save profile
              </Button>
              {saved ? (
                <span className="muted" role="status">
                  Saved
                </span>
              ) : null}
            </div>
          </form>
        </Card>
        <Card title="Preferences">
          <div className="form">
            <Field label="Dashboard range" hint="How many days the dashboard chart shows.">
              {(id, d) => (
                <select
                  id={id}
                  aria-describedby={d}
                  value={range}
                  disabled={days.error?.isMissing}
                  onChange={(e) => void savePreference.run(e.target.value)}
                >
                  <option value="7">7 days</option>
                  <option value="14">14 days</option>
                  <option value="30">30 days</option>
                </select>
              )}
            </Field>
            <ErrorNotice error={savePreference.error} what="Preferences" />
          </div>
          <dl className="facts">
            <dt>Plan</dt>
            <dd>{(user as User & { planType?: string })?.planType ?? 'free'}</dd>
            <dt>Credits used</dt>
            <dd>
              {user?.creditsUsed ?? 0}
              {user?.creditsLimit ? ` of ${user.creditsLimit}` : ''}
            </dd>
          </dl>
        </Card>
      </div>
    </>
  );
}
