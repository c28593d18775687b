import { createSignal, For, Show } from 'solid-js';
import { FIELD_TYPES, type Field, type FieldType } from '../../../../common/api/fields.js';
import type { EditOp } from '../../../../common/editing/requests.js';
import { fieldKeyFromLabel, uniqueFieldKey } from '../../../../common/field-keys.js';

const TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  integer: 'Whole number',
  date: 'Date',
  datetime: 'Date and time',
  boolean: 'Yes or no',
  term: 'Vocabulary term',
  geometry: 'Geometry',
};

/**
 * Adds a field, or changes one (label, unit, type) or removes it. Each choice becomes one edit;
 * the server converts a retyped field's values or names those that do not convert.
 */
export function FieldEditor(props: { field: Field | null; fields: Field[]; onEdit: (ops: EditOp[]) => void; onClose: () => void }) {
  const [label, setLabel] = createSignal(props.field?.label ?? '');
  const [type, setType] = createSignal<FieldType>(props.field?.type ?? 'text');
  const [unit, setUnit] = createSignal(props.field?.unit ?? '');
  const [confirmRemove, setConfirmRemove] = createSignal(false);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const text = label().trim();
    if (text === '') return;
    const unitValue = unit().trim() === '' ? null : unit().trim();
    const field = props.field;
    if (!field) {
      const key = uniqueFieldKey(fieldKeyFromLabel(text), new Set(props.fields.map((candidate) => candidate.key)));
      props.onEdit([{ type: 'field.insert', field: { id: crypto.randomUUID(), key, label: text, type: type(), unit: unitValue } }]);
      props.onClose();
      return;
    }
    const ops: EditOp[] = [];
    const changes: { label?: string; unit?: string | null } = {};
    if (text !== field.label) changes.label = text;
    if (unitValue !== field.unit) changes.unit = unitValue;
    if (Object.keys(changes).length > 0) ops.push({ type: 'field.update', fieldId: field.id, changes });
    if (type() !== field.type) ops.push({ type: 'field.retype', fieldId: field.id, fieldType: type() });
    if (ops.length > 0) props.onEdit(ops);
    props.onClose();
  };

  return (
    <form class="field-editor" onSubmit={submit} aria-label={props.field ? `Change the field ${props.field.label}` : 'Add a field'}>
      <label>
        <span>Label</span>
        <input value={label()} onInput={(event) => setLabel(event.currentTarget.value)} maxLength={300} required autofocus />
      </label>
      <label>
        <span>Type</span>
        <select value={type()} onChange={(event) => setType(event.currentTarget.value as FieldType)}>
          <For each={FIELD_TYPES}>{(option) => <option value={option}>{TYPE_LABELS[option]}</option>}</For>
        </select>
      </label>
      <label>
        <span>Unit</span>
        <input value={unit()} onInput={(event) => setUnit(event.currentTarget.value)} maxLength={100} placeholder="e.g. mg/L" />
      </label>
      <div class="field-editor__actions">
        <button type="submit" class="button button--small button--primary">
          {props.field ? 'Save' : 'Add field'}
        </button>
        <button type="button" class="button button--small" onClick={() => props.onClose()}>
          Cancel
        </button>
        <Show when={props.field}>
          {(field) => (
            <Show
              when={confirmRemove()}
              fallback={
                <button type="button" class="button button--small button--danger" onClick={() => setConfirmRemove(true)}>
                  Remove field
                </button>
              }
            >
              <button
                type="button"
                class="button button--small button--danger"
                onClick={() => {
                  props.onEdit([{ type: 'field.delete', fieldId: field().id }]);
                  props.onClose();
                }}
              >
                Remove "{field().label}" and its values
              </button>
            </Show>
          )}
        </Show>
      </div>
    </form>
  );
}
