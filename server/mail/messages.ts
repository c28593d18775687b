import type { ProjectRole } from '../../common/api/projects.js';
import type { MailMessage } from './mail-message.js';

/**
 * The portal's account emails, as plain text only, so no user-typed text (a display name, a
 * project title) is ever interpreted as markup by a mail reader. Links carry their one-time
 * token in the URL fragment, which browsers never send to a server, so it does not reach
 * access logs or a proxy.
 */

export function signUpMessage(to: string, displayName: string, link: string): MailMessage {
  return {
    kind: 'sign-up',
    to,
    subject: 'Confirm your email address for Fairport',
    text: [
      `Hello ${displayName},`,
      '',
      'Someone, probably you, signed up for a Fairport account with this email address.',
      'Open this link within 24 hours to confirm the address and activate the account:',
      '',
      link,
      '',
      'If you did not sign up, ignore this message: no account is created without the link.',
    ].join('\n'),
  };
}

export function accountExistsMessage(to: string, signInLink: string, resetLink: string): MailMessage {
  return {
    kind: 'sign-up-existing',
    to,
    subject: 'You already have a Fairport account',
    text: [
      'Someone, probably you, tried to sign up for Fairport with this email address, which already has an account.',
      '',
      `Sign in: ${signInLink}`,
      `Forgot your password? Reset it: ${resetLink}`,
      '',
      'If it was not you, ignore this message; nothing has changed.',
    ].join('\n'),
  };
}

export function passwordResetMessage(to: string, link: string): MailMessage {
  return {
    kind: 'password-reset',
    to,
    subject: 'Reset your Fairport password',
    text: [
      'Someone, probably you, asked to reset the password of your Fairport account.',
      'Open this link within an hour to choose a new password:',
      '',
      link,
      '',
      'Resetting the password signs you out everywhere. If you did not ask for this, ignore this message.',
    ].join('\n'),
  };
}

export function invitationMessage(to: string, projectTitle: string, role: ProjectRole, inviter: string, link: string): MailMessage {
  return {
    kind: 'invitation',
    to,
    subject: 'You are invited to a project on Fairport',
    text: [
      `${inviter} invited you to the project "${projectTitle}" on Fairport as ${role}.`,
      '',
      'Sign in, or sign up, with this email address to accept the invitation:',
      '',
      link,
      '',
      'The invitation expires in 30 days.',
    ].join('\n'),
  };
}
