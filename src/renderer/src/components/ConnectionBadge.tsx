import { useEffect, useState } from 'react';
import { onConnectionStatus } from '../api/get-api.ts';
import type { ConnectionStatus } from '../api/ws-client.ts';

/** Under serve: says when the WebSocket closed and that it is reconnecting. */
export function ConnectionBadge() {
  const [status, setStatus] = useState<ConnectionStatus | null>(null);
  useEffect(() => onConnectionStatus(setStatus), []);
  if (!status || status.state === 'open') return null;
  return (
    <div className={status.state === 'closed' ? 'conn conn-closed' : 'conn'} role="status">
      {status.message}
    </div>
  );
}
