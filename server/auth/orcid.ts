import * as oidc from 'openid-client';
import { orcid as orcidSchema } from '../../common/api/users.js';
import type { Config } from '../config/env.js';
import { HttpError } from '../http/http-error.js';
import { moduleLogger } from '../observability/logger.js';

const log = moduleLogger('orcid');

/** What the portal keeps in the session between the redirect to ORCID and the callback. */
export interface OrcidFlowState {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A person as ORCID vouches for them in the ID token. */
export interface OrcidIdentity {
  orcid: string;
  givenName: string | null;
  familyName: string | null;
}

/** ORCID sign-in through OpenID Connect, with the authorization code flow and PKCE. */
export interface OrcidSignIn {
  /** Returns the address to send the browser to, and the state to keep until the callback. */
  start(): Promise<{ url: string; flow: OrcidFlowState }>;
  /** Exchanges the callback's code and returns the ORCID iD from the verified ID token. */
  finish(callbackQuery: string, flow: OrcidFlowState): Promise<OrcidIdentity>;
}

/**
 * Builds ORCID sign-in from ORCID_ISSUER and its client credentials, or returns null when
 * ORCID_CLIENT_ID is not set. The issuer's discovery document is read on first use and read again
 * after a failure, so a server can start while ORCID is unreachable. An http:// issuer is
 * accepted outside production only, for tests against a local provider.
 */
export function createOrcidSignIn(config: Pick<Config, 'ORCID_ISSUER' | 'ORCID_CLIENT_ID' | 'ORCID_CLIENT_SECRET' | 'ORCID_REDIRECT_URL' | 'PUBLIC_URL'>): OrcidSignIn | null {
  if (!config.ORCID_CLIENT_ID) return null;

  const redirectUri = orcidRedirectUri(config);
  const issuer = new URL(config.ORCID_ISSUER);
  let discovered: Promise<oidc.Configuration> | null = null;

  const configuration = (): Promise<oidc.Configuration> => {
    discovered ??= oidc
      .discovery(issuer, config.ORCID_CLIENT_ID, config.ORCID_CLIENT_SECRET || undefined, undefined, {
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((error: unknown) => {
        discovered = null;
        log.error({ err: error, issuer: issuer.href }, 'ORCID discovery failed');
        throw new HttpError('unavailable', 'ORCID sign-in is not reachable right now; try again later or sign in with your password.');
      });
    return discovered;
  };

  return {
    async start() {
      const flow: OrcidFlowState = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: 'openid',
        response_type: 'code',
        state: flow.state,
        nonce: flow.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, flow };
    },

    async finish(callbackQuery, flow) {
      const currentUrl = new URL(redirectUri);
      currentUrl.search = callbackQuery;
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(await configuration(), currentUrl, {
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          pkceCodeVerifier: flow.codeVerifier,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (error) {
        if (error instanceof HttpError) throw error;
        log.warn({ err: error }, 'ORCID sign-in callback rejected');
        throw new HttpError('unauthenticated', 'ORCID sign-in failed or was cancelled; try again.');
      }
      return identityOf(claims);
    },
  };
}

/** The callback address registered with ORCID: ORCID_REDIRECT_URL, else the one under PUBLIC_URL. */
export function orcidRedirectUri(config: Pick<Config, 'ORCID_REDIRECT_URL' | 'PUBLIC_URL'>): string {
  return config.ORCID_REDIRECT_URL || new URL('/api/v1/auth/orcid/callback', config.PUBLIC_URL).href;
}

function identityOf(claims: oidc.IDToken | undefined): OrcidIdentity {
  // ORCID puts the iD in `sub`, in its 16-character form.
  const parsed = orcidSchema.safeParse(claims?.sub);
  if (!parsed.success) {
    log.warn({ sub: claims?.sub }, 'ORCID ID token has no valid ORCID iD in sub');
    throw new HttpError('unauthenticated', 'ORCID did not return a valid ORCID iD; try again.');
  }
  return {
    orcid: parsed.data,
    givenName: typeof claims?.given_name === 'string' ? claims.given_name : null,
    familyName: typeof claims?.family_name === 'string' ? claims.family_name : null,
  };
}
