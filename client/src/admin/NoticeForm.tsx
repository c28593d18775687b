import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import type { Notice, NoticePreview } from '../../../common/api/notices.js';
import { NOTICE_LEVELS, noticeDraftIssues } from '../../../common/api/notices.js';
import type { Project } from '../../../common/api/projects.js';
import { PORTAL_ROLES } from '../../../common/api/users.js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { isAbort } from '../api/http.js';
import { createNotice, previewNotice, updateNotice } from '../api/notices.js';
import { FormField } from '../components/FormField.js';
import { plural } from '../format/numbers.js';
import { audienceOf, EMPTY_FORM, fromNotice, toRequest, type NoticeFormValues } from './notice-form-state.js';

/** Waits this long after the last keystroke before asking the server for a preview. */
const PREVIEW_DELAY_MS = 250;

const LEVEL_LABELS = { info: 'Information', warning: 'Warning', critical: 'Critical', maintenance: 'Maintenance' } as const;
const ROLE_LABELS = { admin: 'Admins', curator: 'Curators', member: 'Members' } as const;

/**
 * Composes a new notice or edits one: level, title, Markdown body with a live preview rendered
 * by the server, audience with the number of users it reaches, schedule, and for maintenance the
 * read-only switch.
 */
export function NoticeForm(props: { projects: Project[]; editing: Notice | null; onSaved: (notice: Notice) => void; onCancelEdit: () => void }) {
  const [values, setValues] = createSignal<NoticeFormValues>({ ...EMPTY_FORM });
  const [preview, setPreview] = createSignal<NoticePreview | null>(null);
  const [previewError, setPreviewError] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  createEffect(on(() => props.editing, (notice) => setValues(notice ? fromNotice(notice) : { ...EMPTY_FORM })));
  const set = <K extends keyof NoticeFormValues>(key: K, value: NoticeFormValues[K]) => setValues((current) => ({ ...current, [key]: value }));

  createLivePreview(values, setPreview, setPreviewError);

  const clientIssues = () => {
    const request = toRequest(values());
    const issues = noticeDraftIssues({
      level: request.level,
      startsAt: request.startsAt ?? new Date().toISOString(),
      endsAt: request.endsAt ?? null,
      dismissible: request.dismissible ?? true,
      readOnly: request.readOnly ?? false,
      readOnlyFrom: request.readOnlyFrom ?? null,
    });
    return new Map(issues.map((issue) => [issue.field, issue.message]));
  };
  const fieldMessage = (name: string) => {
    const current = error();
    return clientIssues().get(name) ?? (current instanceof ApiError ? current.fieldMessage(name) : undefined);
  };
  const submitLabel = () => {
    if (busy()) return 'Saving…';
    return props.editing ? 'Save changes' : 'Publish notice';
  };
  const complete = () => values().title.trim() !== '' && audienceOf(values()) !== null && clientIssues().size === 0;

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const request = toRequest(values());
      const saved = props.editing ? await updateNotice(props.editing.id, request) : await createNotice(request);
      props.onSaved(saved);
      if (!props.editing) setValues({ ...EMPTY_FORM });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card notice-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby="notice-form-heading">
      <h2 id="notice-form-heading">{props.editing ? `Edit "${props.editing.title}"` : 'New notice'}</h2>
      <Show when={error()}>
        <p class="notice notice--error" role="alert">
          {errorMessage(error())}
        </p>
      </Show>

      <div class="form__row">
        <FormField label="Level">
          <select name="level" value={values().level} onChange={(event) => set('level', event.currentTarget.value as NoticeFormValues['level'])}>
            <For each={NOTICE_LEVELS}>{(level) => <option value={level}>{LEVEL_LABELS[level]}</option>}</For>
          </select>
        </FormField>
        <FormField label="Audience">
          <select name="audience" value={values().audienceType} onChange={(event) => set('audienceType', event.currentTarget.value as NoticeFormValues['audienceType'])}>
            <option value="everyone">Everyone, visitors included</option>
            <option value="project">The members of one project</option>
            <option value="role">The users of one role</option>
          </select>
        </FormField>
        <Show when={values().audienceType === 'project'}>
          <FormField label="Project" error={fieldMessage('projectId')}>
            <select name="projectId" value={values().projectId} onChange={(event) => set('projectId', event.currentTarget.value)}>
              <option value="">Choose a project…</option>
              <For each={props.projects}>{(project) => <option value={project.id}>{project.title}</option>}</For>
            </select>
          </FormField>
        </Show>
        <Show when={values().audienceType === 'role'}>
          <FormField label="Role">
            <select name="role" value={values().role} onChange={(event) => set('role', event.currentTarget.value as NoticeFormValues['role'])}>
              <For each={PORTAL_ROLES}>{(role) => <option value={role}>{ROLE_LABELS[role]}</option>}</For>
            </select>
          </FormField>
        </Show>
      </div>

      <FormField label="Title" error={fieldMessage('title')}>
        <input name="title" required maxlength="200" value={values().title} onInput={(event) => set('title', event.currentTarget.value)} />
      </FormField>
      <div class="notice-form__compose">
        <FormField label="Message" hint="Markdown: **bold**, *italic*, [links](https://…), lists. HTML is shown as text." error={fieldMessage('bodyMarkdown')}>
          <textarea name="bodyMarkdown" rows="7" maxlength="20000" value={values().bodyMarkdown} onInput={(event) => set('bodyMarkdown', event.currentTarget.value)} />
        </FormField>
        <div class="notice-form__preview" aria-live="polite">
          <p class="form__label-text">Preview</p>
          <article class="notice-banner notice-banner--preview" data-level={values().level}>
            <div class="notice-banner__inner">
              <div class="notice-banner__text">
                <p class="notice-banner__title">
                  <span class="notice-banner__level">{LEVEL_LABELS[values().level]}</span> {values().title || 'Title'}
                </p>
                <Show when={preview()?.html}>{(html) => <div class="notice-banner__body" data-testid="notice-preview" innerHTML={html()} />}</Show>
              </div>
            </div>
          </article>
          <p class="muted small" data-testid="notice-reach">
            <Show when={preview()} fallback={previewError() ?? 'Counting the audience…'}>
              {(current) => `Reaches ${plural(current().reach.users, 'user')}${current().reach.includesVisitors ? ', and visitors who are not signed in' : ''}.`}
            </Show>
          </p>
        </div>
      </div>

      <fieldset class="notice-form__group">
        <legend>Schedule</legend>
        <div class="form__row notice-form__schedule">
          <div class="notice-form__start">
            <label class="checkbox">
              <input type="checkbox" name="startNow" checked={values().startNow} onChange={(event) => set('startNow', event.currentTarget.checked)} />
              <span class="checkbox__label">{props.editing ? 'Start now' : 'Start when saved'}</span>
            </label>
            <Show when={!values().startNow}>
              <FormField label="Starts at" hint="Your local time." error={fieldMessage('startsAt')}>
                <input type="datetime-local" name="startsAt" value={values().startsAt} onInput={(event) => set('startsAt', event.currentTarget.value)} />
              </FormField>
            </Show>
          </div>
          <FormField label="Ends at" hint="Your local time. Empty keeps it until you withdraw it." error={fieldMessage('endsAt')}>
            <input type="datetime-local" name="endsAt" value={values().endsAt} onInput={(event) => set('endsAt', event.currentTarget.value)} />
          </FormField>
        </div>
      </fieldset>

      <fieldset class="notice-form__group">
        <legend>Behaviour</legend>
        <div class="stack-small">
          <label class="checkbox">
            <input
              type="checkbox"
              name="dismissible"
              checked={values().dismissible && !values().readOnly}
              disabled={values().readOnly}
              onChange={(event) => set('dismissible', event.currentTarget.checked)}
            />
            <span>
              <span class="checkbox__label">Users may dismiss it</span>
              <Show when={values().readOnly}>
                <span class="form__hint">A read-only notice stays, so users see why their changes are refused.</span>
              </Show>
            </span>
          </label>
          <Show when={values().level === 'maintenance'}>
            <label class="checkbox">
              <input type="checkbox" name="readOnly" checked={values().readOnly} onChange={(event) => set('readOnly', event.currentTarget.checked)} />
              <span>
                <span class="checkbox__label">Make the portal read-only</span>
                <span class="form__hint">Every change is refused with a clear message; reading and live viewing go on. Admins can still end it here.</span>
              </span>
            </label>
            <Show when={values().readOnly}>
              <FormField label="Read-only from" hint="Empty: from the start. Before then, the banner counts down." error={fieldMessage('readOnlyFrom')}>
                <input type="datetime-local" name="readOnlyFrom" value={values().readOnlyFrom} onInput={(event) => set('readOnlyFrom', event.currentTarget.value)} />
              </FormField>
            </Show>
          </Show>
        </div>
      </fieldset>

      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={busy() || !complete()}>
          {submitLabel()}
        </button>
        <Show when={props.editing}>
          <button type="button" class="button" onClick={() => props.onCancelEdit()}>
            Cancel
          </button>
        </Show>
      </div>
    </form>
  );
}

/** Asks the server for the preview and reach whenever the body or the audience changes, the latest request winning. */
function createLivePreview(
  values: () => NoticeFormValues,
  setPreview: (preview: NoticePreview | null) => void,
  setError: (message: string | null) => void,
): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  onCleanup(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  createEffect(() => {
    const audience = audienceOf(values());
    const bodyMarkdown = values().bodyMarkdown;
    clearTimeout(timer);
    if (!audience) {
      setError('Choose a project to count its members.');
      setPreview(null);
      return;
    }
    timer = setTimeout(() => {
      controller?.abort();
      const current = new AbortController();
      controller = current;
      previewNotice({ bodyMarkdown, audience }, current.signal).then(
        (preview) => {
          setPreview(preview);
          setError(null);
        },
        (caught: unknown) => {
          if (!isAbort(caught)) setError(`The preview failed: ${errorMessage(caught)}`);
        },
      );
    }, PREVIEW_DELAY_MS);
  });
}
