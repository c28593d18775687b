import type { OrcidIdentity } from '../auth/orcid.js';
import { Contributor } from '../db/models/contributor.js';
import { User } from '../db/models/user.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('accounts');

/** What an ORCID sign-in did to the accounts. */
export interface OrcidOutcome {
  user: User;
  created: boolean;
  linked: boolean;
  claimed: number;
}

/**
 * Finds or makes the account of a person ORCID vouched for. With `linkUserId` (a signed-in user
 * connecting ORCID) the iD is added to that account. An account whose ORCID iD was only typed in,
 * never confirmed, is not signed into: whoever typed it might have made a mistake.
 */
export async function accountForOrcid(identity: OrcidIdentity, linkUserId: string | null): Promise<OrcidOutcome> {
  const holder = await User.query().findOne({ orcid: identity.orcid });

  if (linkUserId) {
    if (holder && holder.id !== linkUserId) {
      throw new HttpError('conflict', `The ORCID iD ${identity.orcid} belongs to another account.`);
    }
    await User.query().patch({ orcid: identity.orcid, orcidVerifiedAt: new Date() }).where('id', linkUserId);
    const user = await User.query().findById(linkUserId).throwIfNotFound();
    return { user, created: false, linked: true, claimed: await claimByOrcid(user) };
  }

  if (holder && holder.orcidVerifiedAt) return { user: holder, created: false, linked: false, claimed: await claimByOrcid(holder) };
  if (holder) {
    throw new HttpError(
      'conflict',
      'An account lists this ORCID iD but has not confirmed it. Sign in with its password, then connect ORCID on the account page.',
    );
  }

  const name = [identity.givenName, identity.familyName].filter(Boolean).join(' ').trim();
  const user = await User.query().insertAndFetch({
    email: null,
    displayName: name || identity.orcid,
    orcid: identity.orcid,
    orcidVerifiedAt: new Date(),
    role: 'member',
  });
  log.info({ userId: user.id }, 'account created by ORCID sign-in');
  return { user, created: true, linked: false, claimed: await claimByOrcid(user) };
}

/** Claims every unclaimed contributor record that carries the user's confirmed ORCID iD. */
async function claimByOrcid(user: User): Promise<number> {
  if (!user.orcid) return 0;
  return Contributor.query().patch({ userId: user.id, claimedAt: new Date() }).where('orcid', user.orcid).whereNull('userId');
}
