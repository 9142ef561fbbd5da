import { Button, EmptyState } from '../components/ui.tsx';
import { navigate } from '../lib/router.tsx';

export function NotFoundPage() {
  return (
    <EmptyState
      title="Nothing here"
      action={
        <Button variant="primary" onClick={() => navigate('/')}>
          Back to the dashboard
        </Button>
      }
    >
      This page does not exist, or it is not yours to see.
    </EmptyState>
  );
}
