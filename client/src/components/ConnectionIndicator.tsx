import { CONNECTION_DESCRIPTIONS, CONNECTION_LABELS } from '../realtime/connection-state.js';
import { connectionState } from '../realtime/socket.js';

/** Shows with a dot and a word whether live updates arrive. Screen readers announce changes politely. */
export function ConnectionIndicator() {
  return (
    <span
      class="connection"
      data-state={connectionState()}
      title={CONNECTION_DESCRIPTIONS[connectionState()]}
      role="status"
      aria-live="polite"
    >
      <span class="connection__dot" aria-hidden="true" />
      <span class="connection__label">{CONNECTION_LABELS[connectionState()]}</span>
      <span class="visually-hidden">{CONNECTION_DESCRIPTIONS[connectionState()]}</span>
    </span>
  );
}
