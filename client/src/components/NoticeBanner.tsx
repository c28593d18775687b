import { createMemo, createSignal, For, Show } from 'solid-js';
import type { LiveNotice, NoticeLevel } from '../../../common/api/notices.js';
import { errorMessage } from '../api/api-error.js';
import { maintenanceCountdown } from '../notices/countdown.js';
import { clock, dismiss, noticeState } from '../notices/live-notices.js';
import { visibleNotices } from '../notices/notice-state.js';
import { currentUser } from '../session/session.js';

const LEVEL_LABELS: Record<NoticeLevel, string> = {
  info: 'Information',
  warning: 'Warning',
  critical: 'Critical',
  maintenance: 'Maintenance',
};

/**
 * Shows the notices active for the visitor above every page, live: they appear, change and go as
 * admins publish, edit and withdraw them. Bodies are HTML the server rendered and sanitised.
 */
export function NoticeBanner() {
  const notices = createMemo(() => visibleNotices(noticeState(), clock()));

  return (
    <Show when={notices().length > 0}>
      <section class="notice-banners" aria-label="Notices from the portal's admins">
        <For each={notices()}>{(notice) => <NoticeItem notice={notice} />}</For>
      </section>
    </Show>
  );
}

function NoticeItem(props: { notice: LiveNotice }) {
  const [error, setError] = createSignal<string | null>(null);
  const countdown = createMemo(() => maintenanceCountdown(props.notice, clock()));
  const urgent = () => props.notice.level === 'critical' || props.notice.level === 'maintenance';

  const onDismiss = async () => {
    try {
      await dismiss(props.notice.id, currentUser() !== null);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  return (
    <article class="notice-banner" data-level={props.notice.level} data-notice-id={props.notice.id} role={urgent() ? 'alert' : 'status'}>
      <div class="notice-banner__inner">
        <div class="notice-banner__text">
          <p class="notice-banner__title">
            <span class="notice-banner__level">{LEVEL_LABELS[props.notice.level]}</span> {props.notice.title}
          </p>
          <Show when={props.notice.html}>
            {/* Sanitised on the server: Markdown with raw HTML off, then an allow-list sanitiser. */}
            <div class="notice-banner__body" innerHTML={props.notice.html} />
          </Show>
          <Show when={countdown()}>
            {(shown) => (
              <p class="notice-banner__countdown" data-phase={shown().phase}>
                {shown().label}
                <Show when={shown().remaining}>
                  {(remaining) => (
                    <>
                      {' '}
                      <strong class="notice-banner__clock">{remaining()}</strong>
                    </>
                  )}
                </Show>
                <Show when={shown().phase === 'read-only'}>
                  <span>. Changes are refused until then; you can still read everything.</span>
                </Show>
              </p>
            )}
          </Show>
          <Show when={error()}>{(message) => <p class="form__error">The notice could not be dismissed: {message()}</p>}</Show>
        </div>
        <Show when={props.notice.dismissible}>
          <button type="button" class="button button--small button--quiet notice-banner__dismiss" onClick={() => void onDismiss()}>
            Dismiss<span class="visually-hidden"> the notice "{props.notice.title}"</span>
          </button>
        </Show>
      </div>
    </article>
  );
}
