import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { ApiError, errorMessage } from '../api/api-error.js';
import { createProject } from '../api/projects.js';
import { FormField } from './FormField.js';

/** Creates a project and opens it; the signed-in user becomes its owner. */
export function NewProjectForm() {
  const navigate = useNavigate();
  const [title, setTitle] = createSignal('');
  const [description, setDescription] = createSignal('');
  const [error, setError] = createSignal<unknown>(null);
  const [busy, setBusy] = createSignal(false);

  const fieldMessage = (name: string) => {
    const current = error();
    return current instanceof ApiError ? current.fieldMessage(name) : undefined;
  };

  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const project = await createProject({ title: title().trim(), description: description() });
      navigate(`/projects/${project.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form card" onSubmit={(event) => void onSubmit(event)} aria-labelledby="new-project-heading">
      <h2 id="new-project-heading">New project</h2>
      <Show when={error()}>
        <p class="notice notice--error" role="alert">
          {errorMessage(error())}
        </p>
      </Show>
      <FormField label="Title" error={fieldMessage('title')}>
        <input name="title" required maxlength="300" value={title()} onInput={(event) => setTitle(event.currentTarget.value)} />
      </FormField>
      <FormField label="Description" hint="Optional. What the project studies and who runs it." error={fieldMessage('description')}>
        <textarea name="description" rows="3" value={description()} onInput={(event) => setDescription(event.currentTarget.value)} />
      </FormField>
      <div class="form__actions">
        <button type="submit" class="button button--primary" disabled={busy() || title().trim() === ''}>
          {busy() ? 'Creating…' : 'Create project'}
        </button>
      </div>
    </form>
  );
}
