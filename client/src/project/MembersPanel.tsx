import { createSignal, For, Show } from 'solid-js';
import type { PermissionSummary } from '../../../common/api/permissions.js';
import { PROJECT_ROLES, type ProjectRole } from '../../../common/api/projects.js';
import { ApiError } from '../api/api-error.js';
import { changeMemberRole, fetchInvitations, fetchMembers, invite, removeMember, revokeInvitation } from '../api/members.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { FormField } from '../components/FormField.js';
import { formatDate } from '../format/dates.js';
import { currentUser } from '../session/session.js';
import { createAction } from '../state/action.js';
import { createQuery } from '../state/query.js';

/**
 * An ORCID iD of 16 characters in four groups, bare or as the https://orcid.org/ URL that ORCID
 * shows on its pages. The first capture group is the bare iD, which the API accepts.
 */
const ORCID_PATTERN = /^(?:https?:\/\/(?:www\.)?orcid\.org\/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$/;

/**
 * A project's members and invitations. Everyone who may list them sees them; those who may
 * manage them also change roles, remove members and invite people by email or ORCID iD.
 */
export function MembersPanel(props: { projectId: string; permissions: PermissionSummary }) {
  const canManage = () => props.permissions.actions.includes('project.members.manage');
  const members = createQuery(() => props.projectId, fetchMembers);
  const invitations = createQuery(() => props.projectId, fetchInvitations);
  const action = createAction();
  const error = action.error;
  const [address, setAddress] = createSignal('');
  const [role, setRole] = createSignal<ProjectRole>('viewer');
  // Managers may not grant the owner role; the server refuses it, so the control does not offer it.
  const assignable = () => (props.permissions.role === 'owner' || currentUser()?.role === 'admin' ? PROJECT_ROLES : PROJECT_ROLES.filter((r) => r !== 'owner'));

  const run = (task: () => Promise<unknown>) =>
    action.run(async () => {
      await task();
      await Promise.all([members.refetch(), invitations.refetch()]);
    });
  const onInvite = (event: SubmitEvent) => {
    event.preventDefault();
    const value = address().trim();
    const orcid = ORCID_PATTERN.exec(value)?.[1];
    const body = orcid ? { orcid, role: role() } : { email: value, role: role() };
    void run(async () => {
      await invite(props.projectId, body);
      setAddress('');
    });
  };
  const fieldMessage = (name: string) => (error() instanceof ApiError ? (error() as ApiError).fieldMessage(name) : undefined);

  return (
    <section class="card stack-small" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <Show when={error()}>
        <ErrorNotice error={error()} />
      </Show>
      <Show when={members.error()}>
        <ErrorNotice error={members.error()} title="The members could not be loaded." />
      </Show>
      <div class="table-scroll">
        <table class="data-table members" aria-label="Project members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">ORCID iD</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <Show when={canManage()}>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </Show>
            </tr>
          </thead>
          <tbody>
            <For each={members.data()}>
              {(member) => (
                <tr>
                  <td>
                    {member.displayName}
                    <Show when={member.email}>{(email) => <span class="muted small"> {email()}</span>}</Show>
                  </td>
                  <td>{member.orcid ?? ''}</td>
                  <td>
                    <Show when={canManage() && (assignable() as readonly string[]).includes(member.role)} fallback={member.role}>
                      <select
                        class="control"
                        aria-label={`Role of ${member.displayName}`}
                        value={member.role}
                        onChange={(event) => void run(() => changeMemberRole(props.projectId, member.userId, event.currentTarget.value as ProjectRole))}
                      >
                        <For each={assignable()}>{(option) => <option value={option}>{option}</option>}</For>
                      </select>
                    </Show>
                  </td>
                  <td>{formatDate(member.since)}</td>
                  <Show when={canManage()}>
                    <td>
                      <button
                        type="button"
                        class="button button--small button--quiet"
                        aria-label={`Remove ${member.displayName}`}
                        onClick={() => void run(() => removeMember(props.projectId, member.userId))}
                      >
                        Remove
                      </button>
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>

      <Show when={canManage()}>
        <form class="form form--inline" onSubmit={onInvite} aria-label="Invite a member">
          <FormField label="Email address or ORCID iD" error={fieldMessage('email') ?? fieldMessage('orcid')}>
            <input name="invitee" required value={address()} onInput={(event) => setAddress(event.currentTarget.value)} />
          </FormField>
          <FormField label="Role">
            <select name="role" value={role()} onChange={(event) => setRole(event.currentTarget.value as ProjectRole)}>
              <For each={assignable()}>{(option) => <option value={option}>{option}</option>}</For>
            </select>
          </FormField>
          <div class="form__actions">
            <button type="submit" class="button button--primary" disabled={address().trim() === ''}>
              Invite
            </button>
          </div>
        </form>
      </Show>

      <Show when={(invitations.data() ?? []).some((entry) => entry.state === 'pending')}>
        <h3>Pending invitations</h3>
        <ul class="plain-list stack-small invitations">
          <For each={(invitations.data() ?? []).filter((entry) => entry.state === 'pending')}>
            {(invitation) => (
              <li>
                {invitation.email ?? invitation.orcid} as {invitation.role}
                <span class="muted small"> · expires {formatDate(invitation.expiresAt)}</span>{' '}
                <Show when={canManage()}>
                  <button type="button" class="button button--small button--quiet" onClick={() => void run(() => revokeInvitation(props.projectId, invitation.id))}>
                    Revoke
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
