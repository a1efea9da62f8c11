import { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import { mailDomain } from '../deps';
import type { Actor } from '../access/actor';
import { authorize } from '../access/authorize';
import { auditContext } from '../http/context';
import { createGuards } from '../http/guards';
import { AppError, badRequest, notFound } from '../http/errors';
import { formString, refusalToShow, signedIn } from '../http/pages';
import { setRetryAfter } from '../http/error-handler';
import { parser } from '../http/validate';
import { COUNTRY_CODES } from './registration.countries';
import { invitationSchema, registerSchema } from './registration.schemas';
import { registerOrganization } from './registration.service';
import { resendVerification, verifyEmail } from './verification.service';
import { inviteMember, organizationProfile } from './invitations.service';
import { assertMayInvite } from './invitations.access';
import { findUserById } from './users.repository';

const parseRegister = parser(registerSchema);
const parseInvitation = parser(invitationSchema);

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** The country choices, by English name; the values are the ISO codes the API takes. */
const COUNTRY_OPTIONS = COUNTRY_CODES.map((code) => ({ code, name: regionNames.of(code) ?? code }))
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

/** For a field the schema refused: the input to mark on the page, and words a person can act on. */
const FIELD_HELP: Record<string, readonly [id: string, message: string]> = {
  'organization.legalName': ['legalName', 'Enter your organization’s legal name, on one line (up to 300 characters).'],
  'organization.country': ['country', 'Choose the country where your organization is registered.'],
  'organization.uei': ['uei', 'A Unique Entity ID is 12 letters and digits (SAM.gov never uses the letters O or I), for example KL1234567890. Leave it empty if your organization has none.'],
  'standing.basis': ['basis', 'Choose whether your organization is named in the notice or directly impacted by it.'],
  'standing.statement': ['statement', 'Describe how the action affects your organization (up to 10,000 characters).'],
  'user.name': ['name', 'Enter your name, on one line (up to 200 characters).'],
  'user.email': ['email', 'Enter an e-mail address, for example name@example.com.'],
  'user.password': ['password', 'Choose a password of at least 15 characters.'],
  name: ['name', 'Enter your colleague’s name, on one line (up to 200 characters).'],
  email: ['email', 'Enter your colleague’s e-mail address, for example name@example.com.'],
};
const CODE_FIELD: Record<string, string> = { email_taken: 'user.email', weak_password: 'user.password' };

const REGISTER_FIELDS = ['legalName', 'country', 'uei', 'basis', 'statement', 'name', 'email'] as const;
type RegisterForm = Record<(typeof REGISTER_FIELDS)[number], string>;
/** What the registration page posted and shows again after a refusal: never the password. */
const registerForm = (body: unknown) => Object.fromEntries(REGISTER_FIELDS.map((f) => [f, formString(body, f)])) as RegisterForm;

/** The form as the API's request body, so both go through the same schema and domain function. */
const registerRequest = (f: RegisterForm, password: string) => {
  const uei = f.uei.trim().toUpperCase();
  return {
    organization: { legalName: f.legalName.trim(), country: f.country, ...(uei ? { uei } : {}) },
    // formString already reads a textarea's CRLF line breaks as LF, as the API would store them.
    standing: { basis: f.basis, statement: f.statement.trim() },
    user: { email: f.email.trim(), name: f.name.trim(), password },
  };
};

/**
 * Shows a refusal on the page it came from: the domain's status and stable code, friendlier words
 * for a field the schema refused, that field marked, and Retry-After when throttled. Faults rethrow.
 */
function renderRefused(res: Response, view: string, thrown: unknown, model: Record<string, unknown> & { title: string }): void {
  const err = refusalToShow(thrown);
  const named = err.details[0]?.['field'];
  const field = typeof named === 'string' ? named : Object.hasOwn(CODE_FIELD, err.code) ? CODE_FIELD[err.code] : undefined;
  const help = field !== undefined && Object.hasOwn(FIELD_HELP, field) ? FIELD_HELP[field] : undefined;
  const error = err.code === 'invalid_request' && help ? new AppError(err.status, err.code, help[1], err.details) : err;
  setRetryAfter(res, err);
  res.status(err.status).render(view, { ...model, title: `Error: ${model.title}`, error, fieldErrors: help ? { [help[0]]: error.message } : {} });
}

/** Registration, e-mail confirmation and colleague invitations: the vendor's way in, over the API's domain functions. */
export function registrationPages(deps: Deps): Router {
  const router = Router();
  const links = { publicUrl: deps.config.publicUrl, mailDomain: mailDomain(deps.config) };
  const registerPage = { title: 'Register your organization', countries: COUNTRY_OPTIONS };
  const { askerFor } = createGuards(deps.db);

  router.get('/register', (_req, res) => {
    res.render('accounts/register', { ...registerPage, form: {} });
  });

  router.post('/register', async (req, res) => {
    const form = registerForm(req.body);
    try {
      const input = parseRegister(registerRequest(form, formString(req.body, 'password')));
      await registerOrganization(deps.db, auditContext(req), input, links);
    } catch (err) {
      return renderRefused(res, 'accounts/register', err, { ...registerPage, form });
    }
    res.status(201).render('accounts/register-done', { title: 'Check your e-mail', email: form.email.trim() });
  });

  // GET only shows the button: mail scanners follow links, and must not confirm anything.
  router.get('/verify-email', (req, res) => {
    const token = req.query['token'];
    if (typeof token !== 'string' || token === '') {
      return renderRefused(res, 'accounts/verify-email-error', badRequest('invalid_token', 'This link is incomplete. Copy the whole link from the e-mail into the address bar.'),
        { title: 'This link did not work', canResend: req.actor?.role === 'vendor' });
    }
    res.render('accounts/verify-email', { title: 'Confirm your e-mail address', token: token.slice(0, 200) });
  });

  router.post('/verify-email', async (req, res) => {
    try {
      await verifyEmail(deps.db, auditContext(req), formString(req.body, 'token').slice(0, 200));
    } catch (err) {
      return renderRefused(res, 'accounts/verify-email-error', err, { title: 'This link did not work', canResend: req.actor?.role === 'vendor' });
    }
    res.redirect(303, '/verify-email/confirmed');
  });

  router.get('/verify-email/confirmed', (_req, res) => {
    res.render('accounts/verify-email-confirmed', { title: 'Your e-mail address is confirmed' });
  });

  const resendModel = async (actor: Actor) => {
    const me = await findUserById(deps.db, actor.userId);
    return { title: 'Get a new confirmation link', email: me?.email ?? actor.email, verified: Boolean(me?.email_verified_at) };
  };

  router.get('/verify-email/resend', async (req, res) => {
    const model = await resendModel(signedIn(req));
    const notice = req.query['sent'] === '1' ? `We sent a new link to ${model.email}. It works for 24 hours; older links no longer work.` : undefined;
    res.render('accounts/verify-email-resend', { ...model, notice });
  });

  router.post('/verify-email/resend', async (req, res) => {
    const actor = signedIn(req);
    try {
      await resendVerification(deps.db, auditContext(req), actor, links);
    } catch (err) {
      return renderRefused(res, 'accounts/verify-email-resend', err, await resendModel(actor));
    }
    res.redirect(303, '/verify-email/resend?sent=1');
  });

  /** Invitations are the organization's own business: its members only (staff get an audited 403). */
  const member = async (req: Request): Promise<Actor & { organizationId: string }> => {
    const asker = askerFor(req);
    const id = asker.actor.organizationId;
    const subject = id ? { type: 'organization', id } : { type: 'route', id: `${req.method} /organization/invitations` };
    await authorize(asker, 'organization.members', subject, { id });
    return { ...asker.actor, organizationId: id as string };
  };
  const invitationsModel = async (actor: Actor & { organizationId: string }, form: Record<string, string> = {}) => {
    const [me, org] = await Promise.all([findUserById(deps.db, actor.userId), organizationProfile(deps.db, actor.organizationId)]);
    if (!org) throw notFound('organization');
    return { title: 'Your organization’s members', org, verified: Boolean(me?.email_verified_at), form };
  };

  router.get('/organization/invitations', async (req, res) => {
    const model = await invitationsModel(await member(req));
    const notice = req.query['invited'] === '1' ? 'Invitation sent. Your colleague has 72 hours to follow the link in it and choose a password.' : undefined;
    res.render('accounts/invitations', { ...model, notice });
  });

  router.post('/organization/invitations', async (req, res) => {
    const actor = await member(req);
    const form = { name: formString(req.body, 'name'), email: formString(req.body, 'email') };
    try {
      await assertMayInvite(deps.db, askerFor(req), actor.organizationId);
      const input = parseInvitation({ email: form.email.trim(), name: form.name.trim() });
      await inviteMember(deps.db, auditContext(req), actor.organizationId, actor, input, links);
    } catch (err) {
      return renderRefused(res, 'accounts/invitations', err, await invitationsModel(actor, form));
    }
    res.redirect(303, '/organization/invitations?invited=1');
  });

  return router;
}
