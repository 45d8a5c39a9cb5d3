// The customer web app: one plain ES module over the REST API (no framework, no build step), kept live by the
// SignalR hub (docs/live-updates.md). State lives in one object; every change re-renders the part it touched.

import { APP_LANGUAGES, appLanguage, appLanguageFor, hasText, setAppLanguage, t } from './i18n.js';
import { createCases } from './cases.js';
import { createHandoff } from './handoff.js';

// ---------------------------------------------------------------------------------------------------------------
// Fixed data

// ISO-4217 minor-unit exponents, the same table the server uses. Intl's own digits come from CLDR and differ for
// some currencies (IQD, RSD, …), while every amount on the wire is in ISO minor units, so ISO decides.
const MINOR_UNITS = new Map(
  ('AED2 AFN2 ALL2 AMD2 ANG2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BGN2 BHD3 BIF0 BMD2 BND2 BOB2 BRL2 ' +
   'BSD2 BTN2 BWP2 BYN2 BZD2 CAD2 CDF2 CHF2 CLP0 CNY2 COP2 CRC2 CUP2 CVE2 CZK2 DJF0 DKK2 DOP2 DZD2 EGP2 ' +
   'ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 GNF0 GTQ2 GYD2 HKD2 HNL2 HTG2 HUF2 IDR2 ILS2 INR2 ' +
   'IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 KGS2 KHR2 KMF0 KPW2 KRW0 KWD3 KYD2 KZT2 LAK2 LBP2 LKR2 LRD2 LSL2 ' +
   'LYD3 MAD2 MDL2 MGA2 MKD2 MMK2 MNT2 MOP2 MRU2 MUR2 MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 ' +
   'NZD2 OMR3 PAB2 PEN2 PGK2 PHP2 PKR2 PLN2 PYG0 QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 SEK2 SGD2 ' +
   'SHP2 SLE2 SOS2 SRD2 SSP2 STN2 SVC2 SYP2 SZL2 THB2 TJS2 TMT2 TND3 TOP2 TRY2 TTD2 TWD2 TZS2 UAH2 UGX0 ' +
   'USD2 UYU2 UYW4 UZS2 VED2 VES2 VND0 VUV0 WST2 XAF0 XCD2 XCG2 XOF0 XPF0 YER2 ZAR2 ZMW2 ZWG2')
    .split(' ').map((entry) => [entry.slice(0, 3), Number(entry[3])]));

// The sandbox gateway decides by token (README); brand and last 4 are only labels. What each does: sandbox.<token>.
const SANDBOX_CARDS = [
  { token: 'tok_visa', brand: 'visa', last4: '4242' },
  { token: 'tok_mastercard', brand: 'mastercard', last4: '4444' },
  { token: 'tok_stepUpRequired', brand: 'visa', last4: '3155' },
  { token: 'tok_slow', brand: 'visa', last4: '1881' },
  { token: 'tok_timeout', brand: 'visa', last4: '0341' },
  { token: 'tok_chargeDeclined', brand: 'visa', last4: '0002' },
  { token: 'tok_insufficientFunds', brand: 'visa', last4: '9995' },
];

// The merchant's products, from GET /v1/catalog: each with its own price and currency (the server prices every
// line; the device only says which SKU and how many).
let catalog = null;
let catalogLoading = null;

// The words a shopper reads for each status (status.<status> in the translation table). The history (list, filter
// and the API's CSV) uses one word per status: a payment the bank has not finished with is "Pending" whether it
// waits for the bank or for a code.
const PAYMENT_STATUS_WORD = {
  pending: 'pending',
  processing: 'pending',
  requires_action: 'pending',
  succeeded: 'succeeded',
  declined: 'declined',
  released: 'released',
  refunded: 'refunded',
  partially_refunded: 'partially_refunded',
};

// The open payment's own panel can say more precisely what it waits for (result.<status>).
const RESULT_STATUSES = ['processing', 'requires_action', 'succeeded', 'declined', 'released'];

function resultStatusText(status) {
  return RESULT_STATUSES.includes(status) ? t(`result.${status}`) : statusText(status);
}

// The consent purposes, in the API's order, and the policy the privacy centre shows when a switch is used.
const PURPOSES = ['personalization', 'marketing', 'location', 'analytics'];
const PRIVACY_POLICY = '2026-12';

// Currencies a shopper can choose to see amounts in; one set elsewhere is kept and offered too.
const DISPLAY_CURRENCIES = ['EUR', 'GBP', 'USD', 'JPY', 'CHF'];

// Languages the profile offers; a language set elsewhere is kept and offered too.
const LANGUAGES = [
  ['en', 'English'], ['en-GB', 'English (UK)'], ['en-US', 'English (US)'], ['de', 'Deutsch'], ['fr', 'Français'],
  ['es', 'Español'], ['it', 'Italiano'], ['nl', 'Nederlands'], ['pl', 'Polski'], ['ja', '日本語'],
];

// How long a success message stays on screen.
const NOTICE_MS = 8000;

const SEARCH_PAGE = 20;
const LIVE_HUB = '/hubs/customer';

// ---------------------------------------------------------------------------------------------------------------
// Small helpers

const $ = (id) => document.getElementById(id);

/** Builds an element; children are nodes or text (text is never parsed as HTML). */
function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * Replaces a list's contents, keeping keyboard focus on the same control: live updates re-render lists while
 * someone may be tabbing through them.
 */
function replaceKeepingFocus(container, children) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? focusKey(active) : null;
  container.replaceChildren(...children);
  if (key) [...container.querySelectorAll('button, input, select, a')].find((element) => focusKey(element) === key)?.focus();
}

function focusKey(element) {
  return [element.tagName, element.id, element.dataset.testid, element.dataset.sku, element.dataset.id, element.getAttribute('aria-label')].join('|');
}

function show(element, visible) {
  element.hidden = !visible;
}

function newKey() {
  return crypto.randomUUID();
}

/** The locale amounts and dates are written for: the profile's language, else the one chosen on this device. */
function locale() {
  return state.profile?.preferredLanguage || storedLanguage() || navigator.language || 'en';
}

function storedLanguage() {
  return localStorage.getItem('actors.language');
}

/** A whole number as the locale writes it (1,234 or 1.234). */
function number(value) {
  try {
    return new Intl.NumberFormat(locale()).format(value);
  } catch {
    return String(value);
  }
}

function minorDigits(currency) {
  return MINOR_UNITS.get(currency) ?? 2;
}

/** Formats integer minor units exactly: the amount goes to Intl as a decimal string, never through a float. */
function money(minor, currency) {
  if (minor === null || minor === undefined || !currency) return '';
  const digits = minorDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  try {
    return new Intl.NumberFormat(locale(), {
      style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
    }).format(`${negative ? '-' : ''}${decimal}`);
  } catch {
    return `${negative ? '-' : ''}${decimal} ${currency}`;
  }
}

/** Reads "12.5" or "12,50" as minor units of the currency; null when it is not an amount with at most its digits. */
function parseMoney(text, currency) {
  const digits = minorDigits(currency);
  const match = /^\s*(\d{1,13})(?:[.,](\d*))?\s*$/.exec(text ?? '');
  if (!match || (match[2] ?? '').length > digits) return null;
  const fraction = (match[2] ?? '').padEnd(digits, '0');
  return Number(match[1]) * 10 ** digits + (digits ? Number(fraction) : 0);
}

/** Major units for an input field, e.g. 1450 GBP → "14.50". */
function moneyInput(minor, currency) {
  if (minor === null || minor === undefined) return '';
  const digits = minorDigits(currency);
  const text = String(minor).padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** An instant in the customer's own time zone, which is the one their cap windows follow. */
function when(iso) {
  if (!iso) return '';
  // dateStyle cannot be combined with timeZoneName, so the fields are spelled out.
  const options = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone: state.profile?.timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
  }
}

/** The time of day in the customer's time zone, to the second. */
function clock(iso) {
  const options = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
  try {
    return new Intl.DateTimeFormat(locale(), { ...options, timeZone: state.profile?.timeZone }).format(new Date(iso));
  } catch {
    return new Intl.DateTimeFormat(locale(), options).format(new Date(iso));
  }
}

function timeElement(iso) {
  return h('time', { datetime: iso }, when(iso));
}

let noticeTimer = null;

/** Shows a message on screen for a few seconds, and has screen readers read it out. */
function announce(text) {
  // Clearing first makes screen readers read a repeated message again.
  const announcer = $('announcer');
  announcer.textContent = '';
  clearTimeout(noticeTimer);
  show($('notice'), Boolean(text));
  if (!text) return;
  requestAnimationFrame(() => { announcer.textContent = text; });
  noticeTimer = setTimeout(() => { announcer.textContent = ''; show($('notice'), false); }, NOTICE_MS);
}

/** An error banner: it stays until the shopper dismisses it or their next change succeeds. */
function showAlert(text) {
  $('alert-text').textContent = text ?? '';
  show($('alert'), Boolean(text));
}

function statusText(status) {
  return t(`status.${PAYMENT_STATUS_WORD[status] ?? 'pending'}`);
}

/** A text picked by a code from the API (a decline reason, a channel), or the table's word for any other code. */
function coded(prefix, code) {
  return hasText(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : t(`${prefix}.other`);
}

function declineText(reason) {
  return coded('decline', reason);
}

function channelText(channel) {
  return coded('channel', channel);
}

// Field names of the API, as the forms label them.
function fieldText(field) {
  return coded('field', field);
}

/**
 * What went wrong and what to do, in plain words, from an RFC 9457 problem. The problem's own detail is for
 * developers (it can name internals), so only the field messages of a validation problem are passed on.
 */
function problemText(problem, fallback = t('problem.fallback')) {
  if (!problem || typeof problem !== 'object') return fallback;
  switch (problem.type) {
    case '/errors/validation': {
      const fields = Object.entries(problem.errors ?? {})
        .map(([field, messages]) => t('problem.field', { field: fieldText(field), messages: [].concat(messages).join(' ') }));
      return fields.length ? t('problem.checkFields', { fields: fields.join('; ') }) : t('problem.checkEntry');
    }
    case '/errors/malformed-json':
    case '/errors/unsupported-media-type':
    case '/errors/payload-too-large':
      return t('problem.unreadable');
    case '/errors/unauthorized':
      return t('signin.expired');
    case '/errors/forbidden':
      return t('problem.forbidden');
    case '/errors/step-up-required':
      return t('problem.stepUpRequired');
    case '/errors/account-step-up-locked':
      return t('problem.accountStepUpLocked', { until: clock(problem.until) });
    case '/errors/customer-not-found':
      return t('problem.customerNotFound');
    case '/errors/payment-method-not-found':
      return t('problem.methodNotFound');
    case '/errors/payment-not-found':
    case '/errors/checkout-not-found':
    case '/errors/not-found':
      return t('problem.notFound');
    case '/errors/version-mismatch':
      return t('problem.versionMismatch');
    case '/errors/cart-empty':
      return t('problem.cartEmpty');
    case '/errors/unsupported-currency':
      return t('problem.unsupportedCurrency');
    case '/errors/raw-card-number':
      return t('problem.rawCardNumber');
    case '/errors/unavailable':
      return t('problem.unavailable');
    case '/errors/checkout-expired':
      return t('checkout.expired');
    case '/errors/checkout-closed':
      return t('problem.checkoutClosed');
    case '/errors/points-unavailable':
      return t('problem.pointsUnavailable');
    case '/errors/payment-method-not-offered':
      return t('problem.methodNotOffered');
    default:
      return fallback;
  }
}

/**
 * Runs a slow action with visible progress: the button is disabled and says what is happening (with
 * aria-busy), and so is the region it belongs to; both come back however the action ends.
 */
async function withBusy(button, busyLabel, region, action) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyLabel;
  region?.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    button.textContent = label;
    button.removeAttribute('aria-busy');
    button.disabled = false;
    region?.setAttribute('aria-busy', 'false');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Device and session

// One id per browser profile, kept across visits: the server lists it among the customer's devices.
function deviceId() {
  let id = localStorage.getItem('actors.deviceId');
  if (!id) {
    id = `web-${crypto.randomUUID()}`;
    localStorage.setItem('actors.deviceId', id);
  }
  return id;
}

// The sign-in lasts for this tab (sessionStorage), so a reload keeps it and closing the tab ends it.
function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem('actors.session') ?? 'null');
    return session && Date.parse(session.expiresAt) > Date.now() + 60_000 ? session : null;
  } catch {
    return null;
  }
}

function saveSession(session) {
  if (session) sessionStorage.setItem('actors.session', JSON.stringify(session));
  else sessionStorage.removeItem('actors.session');
}

// ---------------------------------------------------------------------------------------------------------------
// State

const state = {
  session: null, // { token, customerId, expiresAt }
  profile: null,
  cart: null, // as GET …/cart, the server's last word
  limits: null,
  methods: [],
  payments: [], // rows of the history list, newest first
  paymentsHasMore: false,
  search: {}, // the filters of the history list
  queue: [], // cart edits not yet accepted by the server: { id, kind, line | sku, seenVersion, label }
  conflict: null, // { edits, cart, message }
  checkout: null, // the checkout being confirmed (as created)
  confirming: null, // { key, body } of the confirm request in flight, reused for a retry
  payment: null, // the payment of the open checkout
  paymentTrail: [], // the statuses that payment was seen in, e.g. processing then succeeded
  live: { state: 'idle', synced: false, unavailable: false },
  sessions: [], // the devices and channels this customer was seen on, as GET …/sessions
  removedMethod: null, // the card just removed, as the API answered the removal: what Undo saves again
  confirmingRemoval: null, // the id of the card whose Remove asks "are you sure?"
  receipt: null, // the receipt shown, as GET …/payments/{pay}/receipt
  consents: [], // every purpose's current consent, as GET …/consents
  consentHistory: [], // every consent decision, newest first
  points: null, // the loyalty points the customer can redeem, as GET …/points
};

/** A REST failure the user can act on: network down, or a problem from the server. */
class ApiError extends Error {
  constructor(message, status = 0, problem = null) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * Calls the API with the token and this device's headers. Resolves with { status, data, headers } for any answer
 * the server gives (problems included); rejects with ApiError only when the network failed.
 */
async function api(method, path, options = {}) {
  const response = await send(method, path, options);
  // A sensitive change (a raised cap, a new card, a new email or phone): confirm it is you, then send it again.
  if (response.status === 403 && response.data?.type === '/errors/step-up-required' && !options.steppedUp && state.session) {
    if (await accountStepUp()) return send(method, path, { ...options, steppedUp: true });
  }
  return response;
}

async function send(method, path, { body, ifMatch, idempotencyKey, blob = false, token } = {}) {
  const headers = {
    Authorization: `Bearer ${token ?? state.session?.token}`,
    'X-Device-Id': deviceId(),
    'X-Channel': 'web',
    'X-Device-Label': 'Web browser',
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined) headers['If-Match'] = `"${ifMatch}"`;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(t('problem.unreachable'));
  }
  if (response.status === 401 && state.session) {
    signOut(t('signin.expired'));
  }
  // The next change that succeeds takes a stale error banner away.
  if (response.ok && method !== 'GET') showAlert('');
  const type = response.headers.get('content-type') ?? '';
  let data = null;
  if (blob && response.ok) data = await response.blob();
  else if (type.includes('json')) data = await response.json();
  return { status: response.status, ok: response.ok, data, headers: response.headers };
}

/** Like api(), but anything other than 2xx becomes an ApiError carrying the problem. */
async function apiOk(method, path, options) {
  const response = await api(method, path, options);
  if (!response.ok) throw new ApiError(problemText(response.data), response.status, response.data);
  return response;
}

const customerPath = (suffix = '') => `/v1/customers/${encodeURIComponent(state.session.customerId)}${suffix}`;

// ---------------------------------------------------------------------------------------------------------------
// Signing in

async function devToken(role, customerId) {
  let response;
  try {
    response = await fetch('/v1/dev/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(customerId ? { role, customerId } : { role }),
    });
  } catch {
    throw new ApiError(t('signin.unreachable'));
  }
  if (response.status === 404) {
    throw new ApiError(t('signin.devTokensOff'), 404);
  }
  const data = await response.json().catch(() => null);
  if (response.status === 400 && data?.errors?.customerId) {
    throw new ApiError(t('signin.notAnId', { id: customerId }), 400, data);
  }
  if (!response.ok) throw new ApiError(problemText(data), response.status, data);
  return data;
}

async function signInAs(customerId) {
  const token = await devToken('customer', customerId);
  const session = { token: token.accessToken, customerId, expiresAt: token.expiresAt };
  // Check the customer exists before showing the app.
  const profile = await api('GET', `/v1/customers/${encodeURIComponent(customerId)}`, { token: session.token });
  if (profile.status === 404) throw new ApiError(t('signin.noSuchCustomer', { id: customerId }), 404);
  if (!profile.ok) throw new ApiError(problemText(profile.data), profile.status, profile.data);
  startSession(session);
}

/** An operator token creates the customer and sets up its sandbox cards and caps (staff need no step-up for them). */
async function createDemoCustomer(displayName, homeCurrency) {
  const operator = await devToken('operator');
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const created = await apiOk('POST', '/v1/customers', {
    token: operator.accessToken,
    body: { displayName, email: 'demo@example.com', homeCurrency, timeZone },
  });
  const customerId = created.data.id;
  const token = await devToken('customer', customerId);
  const session = { token: token.accessToken, customerId, expiresAt: token.expiresAt };
  const path = `/v1/customers/${encodeURIComponent(customerId)}`;
  for (const card of SANDBOX_CARDS.filter((c) => ['tok_visa', 'tok_stepUpRequired', 'tok_timeout', 'tok_chargeDeclined'].includes(c.token))) {
    await apiOk('POST', `${path}/payment-methods`, { token: operator.accessToken, body: cardBody(card, card.token === 'tok_visa') });
  }
  // Caps of 200, 500 and 1,500 units of a two-digit currency, scaled like the demo prices: yen get 20,000 and so on.
  const cap = (hundredths) => demoAmount(hundredths, homeCurrency);
  await apiOk('PUT', `${path}/limits`, { token: operator.accessToken, body: { daily: cap(20_000), weekly: cap(50_000), monthly: cap(150_000) } });
  startSession(session);
  announce(t('signin.demoReady'));
}

/**
 * A demo amount given in hundredths of a unit, in the minor units of the currency, scaled as the demo prices are:
 * kept as is for a currency without minor units (JPY), so that caps and prices stay in proportion.
 */
function demoAmount(hundredths, currency) {
  const digits = minorDigits(currency);
  return digits >= 2 ? hundredths * 10 ** (digits - 2) : hundredths;
}

function cardBody(card, preferred) {
  const year = new Date().getFullYear() + 3;
  return { token: card.token, brand: card.brand, last4: card.last4, expiryMonth: 12, expiryYear: year, billingCountry: 'GB', preferred };
}

function startSession(session) {
  state.session = session;
  saveSession(session);
  state.queue = loadQueue();
  show($('signin'), false);
  show($('app'), true);
  show($('signout'), true);
  refetchAll().catch(reportError);
  connectLive();
  renderQueue();
}

function signOut(message) {
  stopLive();
  state.session = null;
  saveSession(null);
  Object.assign(state, {
    profile: null, cart: null, limits: null, methods: [], payments: [], queue: [], conflict: null, checkout: null, payment: null, paymentTrail: [],
    sessions: [], removedMethod: null, confirmingRemoval: null, receipt: null, sentStepUpCode: false,
    consents: [], consentHistory: [], points: null,
  });
  handoff.reset();
  cases.reset();
  show($('receipt'), false);
  show($('profile-form'), false);
  show($('profile-facts'), true);
  show($('method-undo'), false);
  seenPayments.clear();
  catalogKey = null;
  $('activity').replaceChildren();
  renderCheckout();
  show($('app'), false);
  show($('signin'), true);
  show($('signout'), false);
  showAlert(message ?? '');
  setLive('idle', false);
}

function reportError(error) {
  showAlert(error instanceof ApiError ? error.message : t('problem.unexpected', { message: error?.message ?? error }));
}

// ---------------------------------------------------------------------------------------------------------------
// Loading over REST

let refetchGeneration = 0;

/** Everything the page shows, fresh from the API: the start, and the sequence rule's answer to a gap. */
async function refetchAll() {
  // Two loads can overlap (the first load and the hub's first message): only the newest one is shown.
  const generation = ++refetchGeneration;
  const [profile, cart, limits, methods, payments, sessions, consents, points] = await Promise.all([
    apiOk('GET', customerPath()),
    apiOk('GET', customerPath('/cart')),
    apiOk('GET', customerPath('/limits')),
    apiOk('GET', customerPath('/payment-methods')),
    fetchPayments(),
    apiOk('GET', customerPath('/sessions')),
    apiOk('GET', customerPath('/consents')),
    apiOk('GET', customerPath('/points')),
  ]);
  if (generation !== refetchGeneration || !state.session) return;
  setProfile(profile.data);
  state.consents = consents.data.consents;
  state.consentHistory = consents.data.history;
  state.points = points.data.balance;
  renderPrivacy();
  renderPoints();
  setCart(cart.data);
  state.limits = limits.data;
  state.methods = methods.data;
  showPayments(payments, false);
  state.sessions = sessions.data;
  renderLimits();
  renderMethods();
  renderSessions();
  catchUpOpenPayment();
  cases.load().catch(reportError);
}

/** Takes a cart from the server unless it is older than the one shown (a late event after our own edit's answer). */
function setCart(cart) {
  if (!cart) return;
  if (state.cart && cart.version < state.cart.version) return;
  state.cart = cart;
  renderCart();
}

function setProfile(profile) {
  if (state.profile && state.profile.id === profile.id && profile.version < state.profile.version) return;
  state.profile = profile;
  if (!applyLanguage()) renderProfile();
}

let renderedFor = null; // the app language and locale the page was last drawn in

/**
 * Shows the app in the profile's language (or, signed out, the one chosen on this device) and redraws everything
 * when that or the locale of amounts and dates changed; true when it redrew.
 */
function applyLanguage() {
  setAppLanguage(state.profile?.preferredLanguage || storedLanguage() || navigator.language);
  options($('app-language'), APP_LANGUAGES, appLanguage());
  const now = `${appLanguage()}|${locale()}`;
  if (now === renderedFor) return false;
  renderedFor = now;
  renderAll();
  return true;
}

/** Every part of the page again, from the state: after a change of language or locale. */
function renderAll() {
  renderSandboxCards();
  renderLive();
  if (!state.session) return;
  renderProfile();
  renderQueue();
  renderLimits();
  renderMethods();
  renderSessions();
  renderPayments();
  renderCheckout();
  renderReceipt();
  renderPoints();
  renderPrivacy();
}

function renderSandboxCards() {
  const select = $('method-token');
  const chosen = select.value;
  select.replaceChildren(...SANDBOX_CARDS.map((card) => h('option', { value: card.token, selected: card.token === chosen },
    t('methods.option', { label: t(`sandbox.${card.token}`), last4: card.last4 }))));
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function renderProfile() {
  const p = state.profile;
  if (!p) return;
  // The id and version are for the app and for tests, not for reading: they stay out of the visible text.
  $('profile').dataset.customerId = p.id;
  $('profile').dataset.version = String(p.version);
  $('profile-name').textContent = p.displayName;
  $('profile-email').textContent = p.email ?? t('profile.notGiven');
  $('profile-phone').textContent = p.phone ?? t('profile.notGiven');
  $('profile-language').textContent = languageName(p.preferredLanguage);
  $('profile-currency').textContent = currencyName(p.homeCurrency);
  $('profile-timezone').textContent = p.timeZone.replaceAll('_', ' ');
  renderCatalog();
}

/** The server's cart with the edits still waiting applied on top, so what the customer sees is what they did. */
function projectedLines() {
  const lines = (state.cart?.lines ?? []).map((line) => ({ ...line, pending: false }));
  for (const edit of state.queue) {
    const index = lines.findIndex((line) => line.sku === (edit.kind === 'put' ? edit.line.sku : edit.sku));
    if (edit.kind === 'remove') {
      if (index >= 0) lines.splice(index, 1);
    } else {
      const line = { ...edit.line, amount: edit.line.unitPrice * edit.line.quantity, pending: true };
      if (index >= 0) lines[index] = line;
      else lines.push(line);
    }
  }
  return lines;
}

function languageName(tag) {
  const known = LANGUAGES.find(([code]) => code === tag);
  if (known) return known[1];
  try {
    return new Intl.DisplayNames([locale()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

function currencyName(code) {
  try {
    return `${new Intl.DisplayNames([locale()], { type: 'currency' }).of(code)} (${code})`;
  } catch {
    return code;
  }
}

function cartCurrency() {
  return state.cart?.currency ?? state.cart?.lines?.[0]?.currency ?? state.profile?.homeCurrency ?? 'EUR';
}

function renderCart() {
  const lines = projectedLines();
  const currency = lines[0]?.currency ?? cartCurrency();
  replaceKeepingFocus($('cart-lines'), lines.map((line) => h('li', { 'data-testid': 'cart-line', 'data-sku': line.sku, class: line.pending ? 'pending-line' : '' },
    h('span', { class: 'line-name' }, line.name, line.pending ? h('span', { class: 'badge' }, t('cart.waiting')) : null),
    h('span', { class: 'line-price' }, money(line.unitPrice, line.currency)),
    h('span', { class: 'qty' },
      h('button', { type: 'button', class: 'icon', 'aria-label': t('cart.fewer', { name: line.name }), 'data-testid': 'cart-line-decrease',
        onclick: () => changeQuantity(line, -1) }, '−'),
      h('span', { 'data-testid': 'cart-line-quantity', 'aria-label': t('cart.quantityOf', { name: line.name }) }, line.quantity),
      h('button', { type: 'button', class: 'icon', 'aria-label': t('cart.more', { name: line.name }), 'data-testid': 'cart-line-increase',
        onclick: () => changeQuantity(line, +1) }, '+')),
    h('strong', { class: 'line-amount' }, money(line.amount, line.currency)),
    h('button', { type: 'button', class: 'link', 'data-testid': 'cart-line-remove', 'aria-label': t('cart.removeItem', { name: line.name }),
      onclick: () => edit({ kind: 'remove', sku: line.sku, label: t('cart.removeItem', { name: line.name }) }) }, t('cart.remove')))));
  show($('cart-empty'), lines.length === 0);
  $('cart-total').textContent = money(lines.reduce((sum, line) => sum + line.amount, 0), currency);
  $('cart').dataset.version = state.cart ? String(state.cart.version) : '';
  for (const element of document.querySelectorAll('.cart-currency')) element.textContent = currency;
  $('checkout-start').disabled = lines.length === 0 || state.queue.length > 0 || Boolean(state.conflict);
}

let catalogKey = null; // what the catalog was drawn for; redrawn only when its prices would read differently

function loadCatalog() {
  catalogLoading ??= apiOk('GET', '/v1/catalog')
    .then((response) => { catalog = response.data.filter((item) => item.active); catalogKey = null; renderCatalog(); })
    .catch((error) => { catalogLoading = null; reportError(error); });
  return catalogLoading;
}

function renderCatalog() {
  if (!catalog) {
    if (state.session) loadCatalog();
    return;
  }
  if (`${locale()}|${appLanguage()}` === catalogKey) return;
  catalogKey = `${locale()}|${appLanguage()}`;
  replaceKeepingFocus($('catalog'), catalog.map((product) => h('li', {},
    h('span', {}, product.name, ' ', h('span', { class: 'hint' }, money(product.unitPrice, product.currency))),
    h('button', { type: 'button', 'data-testid': 'add-product', 'data-sku': product.sku, 'aria-label': t('cart.addProductLabel', { name: product.name }),
      onclick: () => addToCart({ sku: product.sku, name: product.name, unitPrice: product.unitPrice, currency: product.currency }, 1) }, t('cart.addProduct')))));
}

function renderQueue() {
  const list = $('cart-pending-list');
  list.replaceChildren(...state.queue.map((edit) => h('li', { 'data-testid': 'pending-edit', 'data-seen-version': edit.seenVersion }, edit.label)));
  show($('cart-pending'), state.queue.length > 0);
  renderConflict();
  renderCart();
}

function renderConflict() {
  const conflict = state.conflict;
  show($('cart-conflict'), Boolean(conflict));
  if (!conflict) return;
  $('cart-conflict-text').textContent =
    t('cart.conflictText', { message: conflict.message, edits: conflict.edits.map((e) => e.label).join('; ') });
  const lines = conflict.cart?.lines ?? [];
  $('cart-conflict-lines').replaceChildren(...(lines.length
    ? lines.map((line) => h('li', { 'data-testid': 'conflict-line', 'data-sku': line.sku },
      `${line.quantity} × ${line.name}: ${money(line.amount, line.currency)}`))
    : [h('li', {}, t('cart.conflictEmpty'))]));
}

function renderLimits({ refill = false } = {}) {
  const limits = state.limits;
  if (!limits) return;
  $('limits-hint').textContent = t('limits.hint', { currency: limits.currency });
  $('cap-daily-label').textContent = t('limits.dailyLabel', { currency: limits.currency });
  const caps = ['daily', 'weekly', 'monthly'];
  $('limits-caps').replaceChildren(...caps.map((window) => {
    const cap = limits[window];
    const room = limits.headroom.find((r) => r.window === window);
    return h('li', { 'data-testid': 'cap', 'data-window': window },
      h('span', { class: 'window' }, windowText(window)),
      cap === null || cap === undefined
        ? h('span', {}, t('limits.noCap'))
        : h('span', {}, h('strong', {}, money(room?.remaining ?? cap, limits.currency)), t('limits.left', { cap: money(cap, limits.currency) }),
          room ? h('span', { class: 'hint' }, t('checkout.resets'), timeElement(room.resetsAt)) : null),
      room ? meter(room) : null);
  }));
  const pending = limits.pending ?? [];
  $('limits-pending').replaceChildren(...pending.map((p) => h('li', { 'data-testid': 'pending-cap', 'data-window': p.window },
    t('limits.pending', { window: windowText(p.window), amount: p.amount === null ? t('limits.noCapLower') : money(p.amount, limits.currency) }),
    timeElement(p.effectiveAt))));
  show($('limits-pending-block'), pending.length > 0);
  const excluded = limits.selfExcludedUntil && Date.parse(limits.selfExcludedUntil) > Date.now();
  show($('limits-excluded'), Boolean(excluded));
  if (excluded) $('limits-excluded').textContent = t('limits.excluded', { until: when(limits.selfExcludedUntil) });
  // Pre-fill the form with the caps in force, unless the customer is typing in it.
  if (refill || !$('limits-form').contains(document.activeElement)) {
    for (const window of caps) $(`cap-${window}`).value = moneyInput(limits[window], limits.currency);
  }
}

function meter(room) {
  return h('meter', { min: 0, max: room.cap, value: room.spent, 'aria-label': t('limits.spent', { window: windowText(room.window) }) });
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A cap window's name: "Daily", or "daily" inside a sentence. */
function windowText(window, { lower = false } = {}) {
  return hasText(`window.${window}`) ? t(lower ? `window.${window}.lower` : `window.${window}`) : window;
}

function methodLabel(method) {
  return t('methods.card', { brand: capitalise(method.brand || 'card'), last4: method.last4 });
}

function renderMethods() {
  replaceKeepingFocus($('methods-list'), state.methods.map((method) => {
    const label = methodLabel(method);
    const confirming = state.confirmingRemoval === method.id;
    return h('li', { 'data-testid': 'method', 'data-id': method.id, 'data-preferred': String(Boolean(method.preferred)) },
      h('span', {}, label, method.preferred ? h('span', { class: 'badge', 'data-testid': 'method-preferred' }, t('methods.preferredBadge')) : null,
        h('span', { class: 'hint' }, t('methods.expires', { month: String(method.expiryMonth).padStart(2, '0'), year: method.expiryYear }))),
      confirming
        ? h('span', { class: 'confirm-remove', role: 'group', 'aria-label': t('methods.askRemove', { card: label }) },
          h('span', {}, t('methods.askRemove', { card: label })),
          h('button', { type: 'button', class: 'primary', 'data-testid': 'method-remove-confirm', 'aria-label': t('methods.yesRemoveLabel', { card: label }),
            onclick: (event) => removeMethod(method, event.currentTarget) }, t('methods.yesRemove')),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'method-remove-cancel', 'aria-label': t('methods.keepLabel', { card: label }),
            onclick: () => askToRemove(null) }, t('methods.keep')))
        : h('span', { class: 'method-actions' },
          method.preferred ? null : h('button', { type: 'button', class: 'link', 'data-testid': 'method-prefer', 'aria-label': t('methods.preferLabel', { card: label }),
            onclick: (event) => preferMethod(method, event.currentTarget) }, t('methods.prefer')),
          h('button', { type: 'button', class: 'link', 'data-testid': 'method-remove', 'aria-label': t('methods.removeLabel', { card: label }),
            onclick: () => askToRemove(method.id) }, t('methods.remove'))));
  }));
  show($('methods-empty'), state.methods.length === 0);
  const removed = state.removedMethod;
  show($('method-undo'), Boolean(removed));
  if (removed) $('method-undo-text').textContent = t('methods.removed', { card: methodLabel(removed) });
}

function renderSessions() {
  const own = deviceId();
  replaceKeepingFocus($('devices-list'), state.sessions.map((session) => h('li', { 'data-testid': 'device', 'data-channel': session.channel },
    h('span', {},
      h('span', { class: 'device-name' }, session.deviceLabel || t('devices.device', { channel: channelText(session.channel) })),
      session.deviceId === own ? h('span', { class: 'badge' }, t('devices.this')) : null,
      h('span', { class: 'hint' }, ` · ${channelText(session.channel)}`)),
    h('span', { class: 'hint' }, t('devices.lastUsed'), timeElement(session.lastSeen)))));
  show($('devices-empty'), state.sessions.length === 0);
}

/** A history row from either shape: the ledger's summary (search) or the live payment (confirm, PaymentUpdated). */
function paymentRow(payment) {
  return {
    id: payment.id,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    description: payment.description,
    channel: payment.channel,
    createdAt: payment.createdAt,
    method: payment.method ?? payment.paymentMethod ?? null,
    refundedAmount: payment.refundedAmount ?? 0,
  };
}

function renderPayments() {
  replaceKeepingFocus($('payments-list'), state.payments.map((payment) => h('li', { 'data-testid': 'payment-row', 'data-id': payment.id, 'data-status': payment.status },
    h('span', { class: 'pay-main' },
      h('strong', {}, money(payment.amount, payment.currency)), ' ',
      h('span', { class: `status status-${payment.status}`, 'data-testid': 'payment-status' }, statusText(payment.status)),
      payment.status === 'requires_action' ? h('span', { class: 'hint' }, t('payments.waitingCode')) : null),
    h('span', { class: 'pay-desc' }, payment.description || t('payments.payment')),
    h('span', { class: 'hint' }, timeElement(payment.createdAt), ` · ${channelText(payment.channel)}`,
      payment.method ? ` · ${methodLabel({ brand: payment.method.brand ?? 'card', last4: payment.method.last4 ?? '' })}` : '',
      payment.refundedAmount ? t('payments.refunded', { amount: money(payment.refundedAmount, payment.currency) }) : ''),
    h('button', { type: 'button', class: 'link', 'data-testid': 'payment-receipt', 'data-id': payment.id,
      'aria-label': payment.description
        ? t('payments.receiptLabelFor', { amount: money(payment.amount, payment.currency), description: payment.description })
        : t('payments.receiptLabel', { amount: money(payment.amount, payment.currency) }),
      onclick: (event) => openReceipt(payment.id, event.currentTarget) }, t('payments.receipt')))));
  show($('payments-empty'), state.payments.length === 0);
  show($('payments-more'), state.paymentsHasMore);
}

// How far along a status is. The ledger (history) and the live payment can each be a moment behind the other, so
// a row never moves back to an earlier status than one this page has already seen.
const STATUS_RANK = {
  pending: 0, processing: 0, requires_action: 0, succeeded: 1, declined: 1, released: 1, partially_refunded: 2, refunded: 3,
};
const seenPayments = new Map(); // id → the most advanced row seen

function remember(row) {
  const known = seenPayments.get(row.id);
  if (known && (STATUS_RANK[known.status] ?? 0) > (STATUS_RANK[row.status] ?? 0)) return { ...row, status: known.status };
  seenPayments.set(row.id, row);
  return row;
}

function upsertPayment(payment) {
  const row = remember(paymentRow(payment));
  const index = state.payments.findIndex((p) => p.id === row.id);
  if (index >= 0) state.payments[index] = { ...state.payments[index], ...row };
  else if (!hasFilters()) state.payments.unshift(row);
  renderPayments();
}

function renderLive() {
  const live = state.live;
  const indicator = $('live-indicator');
  indicator.dataset.state = live.state;
  indicator.dataset.synced = String(live.synced);
  indicator.dataset.sequence = lastSequence ?? '';
  indicator.dataset.resyncs = String(resyncs);
  const word = live.state === 'connected' && !live.synced ? 'syncing' : live.state;
  $('live-label').textContent = hasText(`live.${word}`) ? t(`live.${word}`) : live.state;
}

function addActivity(message, kind, text, details = {}) {
  const list = $('activity');
  const at = message.at ?? new Date().toISOString();
  list.prepend(h('li', { 'data-testid': 'activity', 'data-kind': kind, 'data-sequence': message.sequence, ...details },
    h('time', { datetime: at }, clock(at)), ' ', text));
  while (list.children.length > 12) list.lastElementChild.remove();
}

// ---------------------------------------------------------------------------------------------------------------
// Cart edits and the offline queue

function queueKey() {
  return `actors.queue.${state.session?.customerId}`;
}

// Edits waiting to be sent survive a reload of this tab (and only this tab: another tab is its own device queue).
function loadQueue() {
  try {
    return JSON.parse(sessionStorage.getItem(queueKey()) ?? '[]');
  } catch {
    return [];
  }
}

function saveQueue() {
  if (state.session) sessionStorage.setItem(queueKey(), JSON.stringify(state.queue));
}

/**
 * Adds <quantity> (negative: takes away) of an item to its cart line. The one place that builds a cart line's
 * request body: the catalog, the item form and the + and − of a line all come here, so a displayed line's extra
 * members (its amount, whether it waits) never reach the API. Taking the last one away removes the line.
 */
function addToCart(item, quantity) {
  const existing = projectedLines().find((line) => line.sku === item.sku);
  const next = Math.min(999, (existing?.quantity ?? 0) + quantity);
  if (next < 1) {
    edit({ kind: 'remove', sku: item.sku, label: t('cart.removeItem', { name: item.name }) });
    return;
  }
  const line = { sku: item.sku, name: item.name, unitPrice: item.unitPrice, currency: item.currency, quantity: next };
  edit({ kind: 'put', line, label: `${item.name} × ${next}` });
}

function changeQuantity(line, delta) {
  addToCart(line, delta);
}

/**
 * Every cart edit goes through the queue: it remembers the cart version the customer was looking at, so that when
 * it is sent late (after being offline) a cart another device changed meanwhile is a visible conflict, not an
 * overwrite.
 */
function edit(change) {
  if (state.conflict) {
    showAlert(t('cart.resolveFirst'));
    return;
  }
  state.queue.push({ id: newKey(), seenVersion: state.cart?.version ?? 0, ...change });
  saveQueue();
  renderQueue();
  if (!canSend()) announce(t('cart.offline', { label: change.label }));
  flushQueue();
}

function liveReady() {
  return state.live.state === 'connected' && state.live.synced;
}

/** The server is reachable: the browser is online and the live connection is up (or the server offers none). */
function canSend() {
  if (!navigator.onLine) return false;
  return state.live.unavailable || state.live.state === 'connected';
}

let flushing = null;

/** Sends the waiting edits in order. Runs once at a time; a call while it runs is picked up by the running one. */
function flushQueue() {
  if (!flushing) {
    flushing = sendQueued().finally(() => {
      flushing = null;
      if (state.queue.length > 0 && canSend() && !state.conflict && !flushFailed) flushQueue();
    });
  }
  return flushing;
}

let flushFailed = false;
let flushRetry = null;

function retryFlushSoon() {
  clearTimeout(flushRetry);
  flushRetry = setTimeout(() => { if (state.session) flushQueue(); }, 5000);
}

async function sendQueued() {
  flushFailed = false;
  // Edits made on the same cart version as one already sent build on that one: they use its new version.
  let chain = null;
  while (state.queue.length > 0 && canSend() && !state.conflict) {
    const next = state.queue[0];
    const ifMatch = chain && chain.seen === next.seenVersion ? chain.version : next.seenVersion;
    let response;
    try {
      response = next.kind === 'put'
        ? await api('POST', customerPath('/cart/items'), { body: { sku: next.line.sku, quantity: next.line.quantity }, ifMatch })
        : await api('DELETE', customerPath(`/cart/items/${encodeURIComponent(next.sku)}`), { ifMatch });
    } catch (error) {
      flushFailed = true; // the network went; keep everything and try again shortly
      reportError(error);
      retryFlushSoon();
      return;
    }
    if (!state.session) return;
    if (response.ok) {
      state.queue.shift();
      chain = { seen: next.seenVersion, version: response.data.version };
      setCart(response.data);
    } else if (response.status === 412) {
      // Another device changed the cart since this edit was made: show the customer both, never drop it silently.
      const current = response.data?.cart;
      state.conflict = {
        edits: state.queue.splice(0),
        cart: current,
        message: t('cart.conflictMessage'),
      };
      setCart(current);
      announce(t('cart.conflictAnnounce'));
    } else if (response.status >= 500) {
      flushFailed = true;
      showAlert(t('cart.busy'));
      retryFlushSoon();
      return;
    } else {
      // A change the server refuses (e.g. another currency) would never succeed: say so and drop just that one.
      state.queue.shift();
      showAlert(t('cart.notSaved', { label: next.label, problem: problemText(response.data) }));
    }
    saveQueue();
    renderQueue();
  }
}

// "Apply my changes": the same edits again, now made on the cart as it is.
function reapplyConflict() {
  const conflict = state.conflict;
  if (!conflict) return;
  state.conflict = null;
  for (const e of conflict.edits) state.queue.push({ ...e, id: newKey(), seenVersion: state.cart?.version ?? 0 });
  saveQueue();
  renderQueue();
  flushQueue();
}

function discardConflict() {
  state.conflict = null;
  saveQueue();
  renderQueue();
  announce(t('cart.kept'));
}

// ---------------------------------------------------------------------------------------------------------------
// Checkout: create (nothing charged), an explicit confirm screen, then pay

async function startCheckout() {
  showAlert('');
  $('checkout-start').disabled = true;
  try {
    // Creating a checkout charges nothing, so each click may make a new one; the key only guards a resent request.
    const created = await apiOk('POST', customerPath('/checkouts'), { body: {}, idempotencyKey: newKey() });
    openCheckout(created.data);
  } catch (error) {
    reportError(error);
  } finally {
    renderCart();
  }
}

/** Shows <checkout> (as the API returns one) on the confirm screen. */
function openCheckout(checkout) {
  state.checkout = checkout;
  state.payment = null;
  state.paymentTrail = [];
  state.confirming = null;
  renderCheckout();
  $('checkout-title').focus();
}

function renderCheckout() {
  const checkout = state.checkout;
  show($('checkout'), Boolean(checkout));
  if (!checkout) return;
  const open = !state.payment || ['declined'].includes(state.payment.status);
  show($('checkout-review'), open);
  $('checkout-lines').replaceChildren(...checkout.lines.map((line) => h('li', { 'data-testid': 'checkout-line', 'data-sku': line.sku },
    h('span', { class: 'line-name' }, line.name),
    h('span', {}, `${line.quantity} × ${money(line.unitPrice, checkout.currency)}`),
    h('strong', { class: 'line-amount' }, money(line.amount, checkout.currency)))));
  $('checkout-total').textContent = money(checkout.total, checkout.currency);
  $('checkout-currency').textContent = checkout.currency;
  const converted = checkout.capCurrency && checkout.capCurrency !== checkout.currency;
  show($('checkout-converted'), converted);
  if (converted) {
    $('checkout-converted').textContent =
      t('checkout.converted', { amount: money(checkout.convertedTotal, checkout.capCurrency) });
  }

  // Keep the choice across re-renders; start with the preferred method (the API lists it first).
  const chosen = document.querySelector('input[name="checkout-method"]:checked')?.value ?? checkout.paymentMethods[0]?.id;
  replaceKeepingFocus($('checkout-methods'), [h('legend', {}, t('checkout.payWith')), ...(checkout.paymentMethods.length
    ? checkout.paymentMethods.map((method) => h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'checkout-method', id: `method-${method.id}`, value: method.id, checked: method.id === chosen,
        'data-testid': 'checkout-method' }),
      h('label', { for: `method-${method.id}` }, methodLabel(method), method.preferred ? t('checkout.preferred') : '')))
    : [h('p', { class: 'error' }, t('checkout.addMethod'))])]);

  $('checkout-headroom').replaceChildren(...(checkout.headroom.length
    ? checkout.headroom.map((room) => {
      const after = room.remaining - checkout.convertedTotal;
      return h('li', { 'data-testid': 'headroom', 'data-window': room.window },
        h('span', { class: 'window' }, windowText(room.window)),
        h('span', {}, h('strong', {}, money(room.remaining, room.currency)), t('checkout.left', { cap: money(room.cap, room.currency) }),
          after >= 0
            ? t('checkout.after', { amount: money(after, room.currency) })
            : h('span', { class: 'error' }, t('checkout.over', { amount: money(-after, room.currency) })),
          h('span', { class: 'hint' }, t('checkout.resets'), timeElement(room.resetsAt))),
        meter(room));
    })
    : [h('li', {}, t('checkout.noCaps'))]));
  $('checkout-expires').replaceChildren(timeElement(checkout.expiresAt));
  $('checkout-confirm').disabled = checkout.paymentMethods.length === 0;
  renderPersonalization();
  renderPaymentResult();
}

async function confirmCheckout(stepUpCode) {
  const checkout = state.checkout;
  if (!checkout) return;
  const paymentMethodId = document.querySelector('input[name="checkout-method"]:checked')?.value ?? state.confirming?.body.paymentMethodId;
  if (!paymentMethodId) {
    showCheckoutError(t('checkout.chooseMethod'));
    return;
  }
  const body = stepUpCode ? { paymentMethodId, stepUpCode } : { paymentMethodId };
  // A retry of the very same request (after a network failure) reuses its key, so it can never pay twice.
  const same = state.confirming && JSON.stringify(state.confirming.body) === JSON.stringify(body);
  state.confirming = same ? state.confirming : { key: newKey(), body };
  showCheckoutError('');
  showStepUpError('');
  const button = stepUpCode ? $('stepup-submit') : $('checkout-confirm');
  // Both buttons wait for the bank: neither can send a second request meanwhile.
  const other = stepUpCode ? $('checkout-confirm') : $('stepup-submit');
  other.disabled = true;
  await withBusy(button, stepUpCode ? t('checkout.checkingCode') : t('checkout.paying'), $('checkout'), async () => {
    try {
      const response = await api('POST', customerPath(`/checkouts/${encodeURIComponent(checkout.id)}/confirm`),
        { body, idempotencyKey: state.confirming.key });
      if (response.ok) {
        state.confirming = null;
        applyPayment(response.data);
        if (state.payment?.status === 'requires_action') {
          if (stepUpCode) {
            const left = response.data.nextAction?.triesLeft;
            const tries = left ? (left === 1 ? t('stepup.triesOnce') : t('stepup.triesMany', { count: left })) : '';
            showStepUpError(`${t('stepup.wrong')}${tries}${t('stepup.again')}`);
          }
          $('stepup-code').value = '';
          $('stepup-code').focus();
        } else {
          $('payment-result-title').focus();
        }
        // Paying changes the cart and the caps; without the hub nobody would tell this page.
        if (!liveReady()) refetchAll().catch(reportError);
        else if (response.data.status === 'succeeded') loadPoints().catch(reportError);
      } else {
        state.confirming = null;
        showCheckoutError(confirmProblem(response));
      }
    } catch (error) {
      showCheckoutError(t('checkout.mayHavePaid', { error: error.message }));
    }
  });
  other.disabled = false;
  renderCheckout();
}

function showStepUpError(text) {
  $('stepup-error').textContent = text;
  show($('stepup-error'), Boolean(text));
  if (text) $('stepup-code').setAttribute('aria-invalid', 'true');
  else $('stepup-code').removeAttribute('aria-invalid');
}

function confirmProblem(response) {
  const p = response.data ?? {};
  switch (p.type) {
    case '/errors/cap-exceeded':
      return t('checkout.capExceeded', {
        window: windowText(p.window, { lower: true }), headroom: money(p.headroom, p.currency), cap: money(p.cap, p.currency), resetsAt: when(p.resetsAt),
      });
    case '/errors/self-excluded':
      return t('checkout.selfExcluded', { until: when(p.until) });
    default:
      return problemText(p);
  }
}

function showCheckoutError(text) {
  $('checkout-error').textContent = text;
  show($('checkout-error'), Boolean(text));
}

/**
 * A payment of the open checkout, from the confirm answer or a live update. The two race (the hub can report the
 * settlement before the confirm request returns "processing"), so a status never goes back, and the trail keeps
 * every status the payment was seen in, in order.
 */
function applyPayment(payment) {
  upsertPayment(payment);
  if (!state.checkout || payment.checkoutId !== state.checkout.id) return;
  const current = state.payment;
  if (current?.id === payment.id) {
    state.paymentTrail = withStatus(state.paymentTrail, payment.status);
    if (rank(payment.status) < rank(current.status)) {
      renderPaymentResult();
      return;
    }
  } else {
    state.paymentTrail = [payment.status];
  }
  state.payment = payment;
  renderCheckout();
}

function rank(status) {
  return STATUS_RANK[status] ?? 0;
}

function withStatus(trail, status) {
  return trail.includes(status) ? trail : [...trail, status].sort((a, b) => rank(a) - rank(b));
}

/** After a refetch, the open payment takes a later status the history now shows (its live event was skipped). */
function catchUpOpenPayment() {
  const payment = state.payment;
  const seen = payment && seenPayments.get(payment.id);
  if (!seen || rank(seen.status) <= rank(payment.status) || !['succeeded', 'declined', 'released'].includes(seen.status)) return;
  state.payment = { ...payment, status: seen.status };
  state.paymentTrail = withStatus(state.paymentTrail, seen.status);
  renderCheckout();
}

function renderPaymentResult() {
  const payment = state.payment;
  const result = $('payment-result');
  const stepUp = payment?.status === 'requires_action';
  show($('stepup'), stepUp);
  show(result, Boolean(payment));
  cases.paymentShown(payment);
  if (!payment) return;
  const title = resultStatusText(payment.status);
  if (result.dataset.status !== payment.status || result.dataset.paymentId !== payment.id) announce(t('result.announce', { title }));
  result.dataset.status = payment.status;
  result.dataset.paymentId = payment.id;
  $('payment-result-status').textContent = title;
  $('payment-result-trail').textContent = [...new Set(state.paymentTrail.map(statusText))].join(' → ');
  show($('payment-result-trail-block'), new Set(state.paymentTrail.map(statusText)).size > 1);
  const amount = money(payment.amount, payment.currency);
  const method = methodLabel({ brand: payment.paymentMethod.brand, last4: payment.paymentMethod.last4 });
  $('payment-result-text').textContent = RESULT_STATUSES.includes(payment.status)
    ? t(`result.text.${payment.status}`, { amount, method, reason: declineText(payment.declineReason) })
    : t('result.text.other', { amount, status: statusText(payment.status) });
  // The points this purchase earns, as its summary said, once they are the customer's.
  const earns = state.checkout?.personalization?.points?.earns ?? 0;
  const earned = payment.status === 'succeeded' && earns > 0;
  show($('payment-result-earned'), earned);
  $('payment-result-earned').textContent = earned ? t('result.earned', { points: number(earns) }) : '';
  show($('payment-done'), payment.status !== 'requires_action');
}

function closeCheckout() {
  state.checkout = null;
  state.payment = null;
  state.paymentTrail = [];
  state.confirming = null;
  showCheckoutError('');
  showStepUpError('');
  $('stepup-code').value = '';
  renderCheckout();
  $('checkout-start').focus();
}

// ---------------------------------------------------------------------------------------------------------------
// Caps, cards, history

async function saveLimits(event) {
  event.preventDefault();
  const currency = state.limits?.currency ?? state.profile?.homeCurrency;
  const body = {};
  for (const window of ['daily', 'weekly', 'monthly']) {
    const text = $(`cap-${window}`).value.trim();
    const amount = text === '' ? null : parseMoney(text, currency);
    if (text !== '' && amount === null) {
      showAlert(t('limits.badAmount', { window: windowText(window), currency, example: moneyInput(10 ** minorDigits(currency) * 50, currency) }));
      return;
    }
    body[window] = amount;
  }
  await withBusy($('limits-submit'), t('limits.saving'), $('limits'), async () => {
    try {
      const response = await apiOk('PUT', customerPath('/limits'), { body });
      state.limits = response.data;
      renderLimits({ refill: true });
      showAlert('');
      announce(response.data.pending.length ? t('limits.savedPending') : t('limits.saved'));
    } catch (error) {
      reportError(error);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Confirming it is you before a sensitive change, and the authenticator app

/**
 * One dialog for every sensitive change: asks for a challenge, shows the code from the development outbox when the
 * server has one (a real deployment sends it by email or text), and checks the code typed in. Resolves true once
 * this device has stepped up, false when the customer cancels.
 */
async function accountStepUp() {
  const challenge = await send('POST', customerPath('/step-up/challenge'));
  if (!challenge.ok) {
    showAlert(problemText(challenge.data));
    return false;
  }
  const byApp = challenge.data.method === 'totp';
  $('account-stepup-text').textContent = byApp ? t('accountStepUp.textTotp') : t('accountStepUp.textCode');
  const hint = $('account-stepup-dev');
  show(hint, false);
  if (!byApp) {
    const outbox = await send('GET', `/v1/dev/outbox/${encodeURIComponent(state.session.customerId)}`);
    if (outbox.ok && outbox.data?.length) {
      hint.textContent = t('accountStepUp.devCode', { code: outbox.data[0].code });
      show(hint, true);
    }
  }
  const dialog = $('account-stepup');
  const form = $('account-stepup-form');
  const error = $('account-stepup-error');
  const input = $('account-stepup-code');
  input.value = '';
  show(error, false);
  dialog.showModal();
  input.focus();
  return new Promise((resolve) => {
    const finish = (done) => {
      form.removeEventListener('submit', submit);
      $('account-stepup-cancel').removeEventListener('click', cancel);
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      resolve(done);
    };
    const submit = async (event) => {
      event.preventDefault();
      const verified = await send('POST', customerPath('/step-up'), { body: { code: input.value.trim() } });
      if (verified.ok) {
        announce(t('accountStepUp.done'));
        finish(true);
        return;
      }
      error.textContent = verified.data?.type === '/errors/account-step-up-locked'
        ? t('problem.accountStepUpLocked', { until: clock(verified.data.until) })
        : t('accountStepUp.wrong');
      show(error, true);
      input.focus();
    };
    const cancel = (event) => {
      event?.preventDefault();
      finish(false);
    };
    form.addEventListener('submit', submit);
    $('account-stepup-cancel').addEventListener('click', cancel);
    dialog.addEventListener('cancel', cancel);
  });
}

/** Enrolling an authenticator app is itself sensitive, so api() may ask to confirm first. */
async function startTotp() {
  await withBusy($('totp-start'), t('totp.starting'), $('security'), async () => {
    try {
      const enrolment = (await apiOk('POST', customerPath('/step-up/totp'))).data;
      $('totp-secret').textContent = enrolment.secret;
      $('totp-uri').textContent = enrolment.otpauthUri;
      show($('totp-on'), false);
      show($('totp-form'), true);
      $('totp-code').focus();
    } catch (error) {
      reportError(error);
    }
  });
}

async function confirmTotp(event) {
  event.preventDefault();
  await withBusy($('totp-confirm'), t('totp.confirming'), $('security'), async () => {
    const response = await api('POST', customerPath('/step-up/totp/confirm'), { body: { code: $('totp-code').value.trim() } });
    if (response.ok) {
      show($('totp-form'), false);
      show($('totp-error'), false);
      show($('totp-on'), true);
      announce(t('totp.on'));
      return;
    }
    const error = $('totp-error');
    error.textContent = response.data?.type === '/errors/step-up-code-wrong' ? t('accountStepUp.wrong') : problemText(response.data);
    show(error, true);
  });
}

async function reloadMethods() {
  state.methods = (await apiOk('GET', customerPath('/payment-methods'))).data;
  renderMethods();
}

async function addMethod(event) {
  event.preventDefault();
  const card = SANDBOX_CARDS.find((c) => c.token === $('method-token').value);
  await withBusy($('method-submit'), t('methods.adding'), $('methods'), async () => {
    try {
      await apiOk('POST', customerPath('/payment-methods'), { body: cardBody(card, state.methods.length === 0) });
      await reloadMethods();
      announce(t('methods.added', { card: methodLabel(card) }));
    } catch (error) {
      reportError(error);
    }
  });
}

/** The first click on Remove asks; only "Yes, remove" removes. */
function askToRemove(methodId) {
  state.confirmingRemoval = methodId;
  renderMethods();
  const item = methodId && $('methods-list').querySelector(`[data-testid=method][data-id="${CSS.escape(methodId)}"]`);
  (item ? item.querySelector('[data-testid=method-remove-confirm]') : null)?.focus();
}

async function removeMethod(method, button) {
  await withBusy(button, t('methods.removing'), $('methods'), async () => {
    try {
      // The answer is the removed method with its token: enough to save it again if the shopper undoes this.
      const response = await apiOk('DELETE', customerPath(`/payment-methods/${encodeURIComponent(method.id)}`));
      state.confirmingRemoval = null;
      state.removedMethod = response.data;
      state.methods = state.methods.filter((m) => m.id !== method.id);
      renderMethods();
      $('method-undo-button').focus();
      announce(t('methods.removedAnnounce', { card: methodLabel(method) }));
    } catch (error) {
      reportError(error);
    }
  });
}

/** Undo saves the removed method again, as it was (token, expiry, billing country, preferred). */
async function undoRemoveMethod() {
  const removed = state.removedMethod;
  if (!removed) return;
  await withBusy($('method-undo-button'), t('methods.restoring'), $('methods'), async () => {
    try {
      await apiOk('POST', customerPath('/payment-methods'), {
        body: {
          token: removed.token, brand: removed.brand, last4: removed.last4, expiryMonth: removed.expiryMonth,
          expiryYear: removed.expiryYear, billingCountry: removed.billingCountry, preferred: removed.preferred,
        },
      });
      state.removedMethod = null;
      await reloadMethods();
      $('method-submit').focus();
      announce(t('methods.restored', { card: methodLabel(removed) }));
    } catch (error) {
      reportError(error);
    }
  });
}

async function preferMethod(method, button) {
  await withBusy(button, t('methods.saving'), $('methods'), async () => {
    try {
      await apiOk('PUT', customerPath(`/payment-methods/${encodeURIComponent(method.id)}/preferred`));
      await reloadMethods();
      $('methods-list').querySelector(`[data-testid=method][data-id="${CSS.escape(method.id)}"] [data-testid=method-remove]`)?.focus();
      announce(t('methods.preferred', { card: methodLabel(method) }));
    } catch (error) {
      reportError(error);
    }
  });
}

async function refreshSessions(button) {
  await withBusy(button, t('devices.refreshing'), $('devices'), async () => {
    try {
      state.sessions = (await apiOk('GET', customerPath('/sessions'))).data;
      renderSessions();
      announce(state.sessions.length === 1 ? t('devices.listedOne') : t('devices.listedMany', { count: state.sessions.length }));
    } catch (error) {
      reportError(error);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Receipts

let receiptOpener = null;

async function openReceipt(paymentId, button) {
  await withBusy(button, t('payments.opening'), null, async () => {
    try {
      const response = await apiOk('GET', customerPath(`/payments/${encodeURIComponent(paymentId)}/receipt`));
      state.receipt = response.data;
      receiptOpener = paymentId;
      renderReceipt();
      $('receipt').scrollIntoView?.({ block: 'nearest' });
      $('receipt-title').focus();
    } catch (error) {
      reportError(error);
    }
  });
}

function renderReceipt() {
  const receipt = state.receipt;
  show($('receipt'), Boolean(receipt));
  if (!receipt) return;
  const payment = receipt.payment;
  $('receipt').dataset.paymentId = payment.id;
  $('receipt-amount').textContent = money(payment.amount, payment.currency);
  $('receipt-status').textContent = statusText(payment.status);
  $('receipt-description').textContent = payment.description || t('payments.payment');
  $('receipt-card').textContent = payment.method ? methodLabel({ brand: payment.method.brand ?? 'card', last4: payment.method.last4 ?? '' }) : t('receipt.notKnown');
  $('receipt-date').replaceChildren(timeElement(payment.createdAt));
  $('receipt-channel').textContent = channelText(payment.channel);
  const refunded = payment.refundedAmount > 0;
  show($('receipt-refunded-label'), refunded);
  show($('receipt-refunded'), refunded);
  $('receipt-refunded').textContent = refunded ? money(payment.refundedAmount, payment.currency) : '';
  $('receipt-events').replaceChildren(...receipt.events.map((entry) => h('li', { 'data-testid': 'receipt-event', 'data-kind': entry.kind },
    timeElement(entry.at), ' ', coded('receipt.event', entry.kind), ': ', money(entry.amount, entry.currency))));
}

function closeReceipt() {
  state.receipt = null;
  renderReceipt();
  const opener = receiptOpener && $('payments-list').querySelector(`[data-testid=payment-receipt][data-id="${CSS.escape(receiptOpener)}"]`);
  (opener || $('payments-title')).focus?.();
  receiptOpener = null;
}

// ---------------------------------------------------------------------------------------------------------------
// Profile editing: a merge patch with If-Match; a profile changed elsewhere meanwhile is shown, never overwritten

const PROFILE_FIELDS = [
  ['displayName', 'profile-edit-name'], ['email', 'profile-edit-email'], ['phone', 'profile-edit-phone'],
  ['preferredLanguage', 'profile-edit-language'], ['timeZone', 'profile-edit-timezone'], ['homeCurrency', 'profile-edit-currency'],
];

let editedFrom = null; // the profile the form was filled from: the patch is what the shopper changed from it

function options(select, entries, selected) {
  const values = new Set(entries.map(([value]) => value));
  const all = values.has(selected) || !selected ? entries : [[selected, selected], ...entries];
  select.replaceChildren(...all.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

function timeZones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'];
  }
}

function fillProfileForm(profile) {
  editedFrom = profile;
  $('profile-edit-name').value = profile.displayName;
  $('profile-edit-email').value = profile.email ?? '';
  $('profile-edit-phone').value = profile.phone ?? '';
  options($('profile-edit-language'), LANGUAGES, profile.preferredLanguage);
  options($('profile-edit-timezone'), timeZones().map((zone) => [zone, zone.replaceAll('_', ' ')]), profile.timeZone);
  options($('profile-edit-currency'), DISPLAY_CURRENCIES.map((code) => [code, currencyName(code)]), profile.homeCurrency);
}

function showFieldErrors(errors = {}) {
  for (const [field, id] of PROFILE_FIELDS) {
    const messages = errors[field];
    const input = $(id);
    const error = $(`${id}-error`);
    error.textContent = messages ? t('field.error', { field: fieldText(field), messages: [].concat(messages).join(' ') }) : '';
    show(error, Boolean(messages));
    if (messages) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
  const first = PROFILE_FIELDS.find(([field]) => errors[field]);
  if (first) $(first[1]).focus();
}

function openProfileForm() {
  fillProfileForm(state.profile);
  showFieldErrors();
  show($('profile-conflict'), false);
  show($('profile-facts'), false);
  show($('profile-edit'), false);
  show($('profile-form'), true);
  $('profile-edit-name').focus();
}

function closeProfileForm() {
  show($('profile-form'), false);
  show($('profile-facts'), true);
  show($('profile-edit'), true);
  $('profile-edit').focus();
}

/** Only what the shopper changed goes in the patch; an emptied email or phone is cleared (null). */
function profilePatch() {
  const current = editedFrom;
  const patch = {};
  const name = $('profile-edit-name').value.trim();
  if (name !== current.displayName) patch.displayName = name;
  for (const [field, id] of [['email', 'profile-edit-email'], ['phone', 'profile-edit-phone']]) {
    const value = $(id).value.trim();
    if (value !== (current[field] ?? '')) patch[field] = value === '' ? null : value.replace(/[\s()-]/g, '');
  }
  for (const [field, id] of [['preferredLanguage', 'profile-edit-language'], ['timeZone', 'profile-edit-timezone'], ['homeCurrency', 'profile-edit-currency']]) {
    if ($(id).value !== current[field]) patch[field] = $(id).value;
  }
  return patch;
}

async function saveProfile(event) {
  event.preventDefault();
  const patch = profilePatch();
  if (Object.keys(patch).length === 0) {
    closeProfileForm();
    announce(t('profile.unchanged'));
    return;
  }
  showFieldErrors();
  await withBusy($('profile-save'), t('profile.saving'), $('profile'), async () => {
    try {
      const response = await api('PATCH', customerPath(), { body: patch, ifMatch: editedFrom.version });
      if (response.ok) {
        setProfile(response.data);
        show($('profile-conflict'), false);
        closeProfileForm();
        announce(t('profile.saved'));
      } else if (response.status === 412) {
        // Changed on another device meanwhile: show the profile as it is now, keep what the shopper typed, ask again.
        const current = (await apiOk('GET', customerPath())).data;
        setProfile(current);
        // The form now starts from the current profile, with only the fields the shopper changed kept as typed.
        const typed = PROFILE_FIELDS.filter(([field]) => field in patch).map(([, id]) => [id, $(id).value]);
        fillProfileForm(current);
        for (const [id, value] of typed) $(id).value = value;
        const conflict = $('profile-conflict');
        conflict.textContent = t('profile.conflict', { summary: profileSummary(current) });
        show(conflict, true);
        conflict.focus?.();
      } else if (response.data?.type === '/errors/validation') {
        showFieldErrors(response.data.errors);
      } else {
        showAlert(problemText(response.data));
      }
    } catch (error) {
      reportError(error);
    }
  });
}

function profileSummary(profile) {
  return [profile.displayName, profile.email ?? t('profile.noEmail'), profile.phone ?? t('profile.noPhone'), languageName(profile.preferredLanguage),
    profile.timeZone.replaceAll('_', ' ')].join(', ');
}

/** The search form as the API's query parameters; dates are whole local days (the "to" day included). */
function readSearch() {
  const currency = state.profile?.homeCurrency ?? 'EUR';
  const search = {};
  const q = $('search-q').value.trim();
  if (q) search.q = q;
  if ($('search-status').value) search.status = $('search-status').value;
  if ($('search-channel').value) search.channel = $('search-channel').value;
  if ($('search-from').value) search.created_from = new Date(`${$('search-from').value}T00:00`).toISOString();
  if ($('search-to').value) {
    const end = new Date(`${$('search-to').value}T00:00`);
    end.setDate(end.getDate() + 1);
    search.created_to = end.toISOString();
  }
  for (const [field, key] of [['search-min', 'amount_min'], ['search-max', 'amount_max']]) {
    const text = $(field).value.trim();
    if (!text) continue;
    const amount = parseMoney(text, currency);
    if (amount === null) throw new ApiError(t('payments.badAmount', { currency }));
    search[key] = amount;
  }
  return search;
}

function hasFilters() {
  return Object.keys(state.search).length > 0;
}

async function fetchPayments({ more = false } = {}) {
  const query = new URLSearchParams({ ...state.search, limit: String(SEARCH_PAGE) });
  if (more && state.payments.length) query.set('starting_after', state.payments.at(-1).id);
  return (await apiOk('GET', `${customerPath('/payments')}?${query}`)).data;
}

function showPayments(page, more) {
  const rows = page.data.map((payment) => remember(paymentRow(payment)));
  state.payments = more ? state.payments.concat(rows) : rows;
  state.paymentsHasMore = page.hasMore;
  renderPayments();
}

async function searchPayments({ more = false } = {}) {
  showPayments(await fetchPayments({ more }), more);
}

async function downloadCsv() {
  try {
    const query = new URLSearchParams(readSearch());
    // The export needs the bearer token, so it is fetched here and handed to the browser as a file.
    const response = await apiOk('GET', `${customerPath('/payments.csv')}?${query}`, { blob: true });
    const url = URL.createObjectURL(response.data);
    const link = h('a', { href: url, download: `payments-${state.session.customerId}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    announce(t('payments.csvStarted'));
  } catch (error) {
    reportError(error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Live updates: the hub and the sequence rule (docs/live-updates.md)


// A store till's checkout handed to this customer: offered in its own panel, paid on the confirm screen.
const handoff = createHandoff({
  fetchCheckout: async (id) => (await apiOk('GET', customerPath(`/checkouts/${encodeURIComponent(id)}`))).data,
  openCheckout, money, announce, reportError,
});

// Support cases on this customer's payments, answered here, and feedback on paid payments and closed cases.
const cases = createCases({
  call: async (method, suffix, body) => (await apiOk(method, customerPath(suffix), body === undefined ? {} : { body })).data,
  h, timeElement, announce, reportError,
  paymentLabel: (paymentId) => {
    const payment = state.payments.find((shown) => shown.id === paymentId);
    return payment ? `${money(payment.amount, payment.currency)}, ${when(payment.createdAt)}` : t('cases.paymentFallback');
  },
});

let connection = null;
let restartTimer = null;
let lastSequence = null; // the last sequence applied; null = none yet
let freshConnection = true; // the next message is the first since (re)connecting
let refetching = false;
let held = []; // messages that arrived while refetching, replayed through the rule afterwards
let resyncs = 0; // how often the rule sent us back to REST (shown on the indicator for whoever debugs a gap)

// Quick retries first (a blip), then every ten seconds for as long as the page is open.
const retryPolicy = { nextRetryDelayInMilliseconds: (context) => [0, 1000, 2000, 5000][context.previousRetryCount] ?? 10_000 };

function connectLive() {
  if (!window.signalR) {
    setLive('unavailable');
    showAlert(t('live.couldNotStart'));
    return;
  }
  connection = new signalR.HubConnectionBuilder()
    .withUrl(LIVE_HUB, { accessTokenFactory: () => state.session?.token ?? '' })
    .withAutomaticReconnect(retryPolicy)
    .configureLogging(signalR.LogLevel.Warning)
    .build();

  const events = {
    Synced: null,
    CartChanged: (m) => { setCart(m.cart); addActivity(m, 'cart', t('activity.cart')); },
    CheckoutUpdated: (m) => {
      handoff.checkoutUpdated(m);
      addActivity(m, 'checkout', t('activity.checkout', { amount: money(m.checkout.total, m.checkout.currency), change: coded('activity.checkout', m.change) }),
        { 'data-change': m.change });
      if (state.checkout?.id === m.checkout.id && m.change === 'expired' && !state.payment) {
        showCheckoutError(t('checkout.expired'));
      }
    },
    PaymentUpdated: (m) => {
      handoff.paymentUpdated(m);
      applyPayment(m.payment);
      // A settled, declined or released payment changes the points the customer has.
      if (['succeeded', 'declined', 'released'].includes(m.payment.status)) loadPoints().catch(reportError);
      addActivity(m, 'payment', t('activity.payment', { amount: money(m.payment.amount, m.payment.currency), status: resultStatusText(m.payment.status).toLowerCase() }),
        { 'data-change': m.change, 'data-payment-id': m.payment.id });
      // The open checkout's own result panel announces its payment.
      if (state.checkout?.id !== m.payment.checkoutId) announce(t('activity.payment', { amount: money(m.payment.amount, m.payment.currency), status: statusText(m.payment.status).toLowerCase() }));
    },
    ProfileChanged: (m) => { setProfile(m.profile); addActivity(m, 'profile', t('activity.profile')); },
    LimitsChanged: (m) => {
      state.limits = m.limits;
      renderLimits();
      addActivity(m, 'limits', hasText(`activity.limits.${m.change}`) ? t(`activity.limits.${m.change}`) : t('activity.limits.updated'), { 'data-change': m.change });
    },
    PaymentMethodsChanged: (m) => { state.methods = m.paymentMethods; renderMethods(); addActivity(m, 'methods', t('activity.methods')); },
    ConsentChanged: (m) => { applyConsents(m.consents); loadConsents().catch(reportError); addActivity(m, 'consents', t('activity.consents')); },
    CaseUpdated: (m) => { cases.caseUpdated(m); addActivity(m, 'case', t('activity.case')); },
  };
  for (const [name, apply] of Object.entries(events)) {
    connection.on(name, (message) => receive(name, message, apply));
  }

  connection.onreconnecting(() => { freshConnection = true; setLive('reconnecting', false); });
  connection.onreconnected(() => { freshConnection = true; setLive('connected', false); flushQueue(); });
  connection.onclose(() => { if (state.session) { setLive('disconnected', false); scheduleRestart(navigator.onLine ? 1000 : 5000); } });
  startLive();
}

async function startLive() {
  clearTimeout(restartTimer);
  if (!connection || !state.session || connection.state !== signalR.HubConnectionState.Disconnected) return;
  freshConnection = true;
  setLive(navigator.onLine ? 'connecting' : 'offline', false);
  try {
    await connection.start();
    state.live.unavailable = false;
    setLive('connected', false);
    flushQueue();
  } catch (error) {
    if (!state.session) return;
    const status = negotiationStatus(error);
    if (status === 401) {
      signOut('Your sign-in has expired. Please sign in again.');
      return;
    }
    // A server without the hub (404 at negotiation) still works over REST: edits are sent directly then.
    const missing = status === 404;
    state.live.unavailable = missing;
    setLive(missing ? 'unavailable' : navigator.onLine ? 'disconnected' : 'offline', false);
    if (missing) flushQueue();
    scheduleRestart(missing ? 30_000 : 5000);
  }
}

/** The HTTP status a failed start got at negotiation; the client keeps it only in the error's message. */
function negotiationStatus(error) {
  if (error?.statusCode) return error.statusCode;
  const match = /Status code '(\d{3})'/.exec(error?.message ?? '');
  return match ? Number(match[1]) : 0;
}

function scheduleRestart(delay) {
  clearTimeout(restartTimer);
  restartTimer = setTimeout(startLive, delay);
}

function stopLive() {
  clearTimeout(restartTimer);
  const closing = connection;
  connection = null;
  lastSequence = null;
  held = [];
  forgetGap();
  closing?.stop();
}

function setLive(liveState, synced = state.live.synced) {
  state.live.state = liveState;
  state.live.synced = synced;
  renderLive();
}

// A gap waits this long for numbers still in flight before it counts as a loss and sends us back to REST: cheap
// insurance, since the API node already sends each customer's events in order.
const REORDER_WAIT_MS = 400;
let early = new Map(); // sequence → [name, message, apply], arrived ahead of a gap
let expected = null; // a Synced's number we have not reached yet
let gapTimer = null;

/**
 * The sequence rule: the next number is applied; one already seen is ignored; the first message since connecting
 * fetches everything again over REST; a gap, or a Synced ahead of what we have, does the same unless the missing
 * messages turn up within REORDER_WAIT_MS. After a refetch the count restarts from the highest number seen.
 */
function receive(name, message, apply) {
  if (!state.session || message?.customerId !== state.session.customerId) return;
  if (refetching) {
    held.push([name, message, apply]);
    return;
  }
  const sequence = message.sequence;
  if (freshConnection || lastSequence === null) {
    freshConnection = false;
    resync(sequence);
    return;
  }
  if (sequence <= lastSequence) {
    if (name === 'Synced' && expected === null) setLive(state.live.state, true);
    return; // already applied
  }
  if (name === 'Synced') {
    expected = Math.max(expected ?? 0, sequence);
  } else if (sequence === lastSequence + 1) {
    lastSequence = sequence;
    apply(message);
    drainEarly();
  } else {
    early.set(sequence, [name, message, apply]);
  }
  waitForGap();
  renderLive();
}

/** Applies the messages that were waiting for the one just applied. */
function drainEarly() {
  while (early.has(lastSequence + 1)) {
    const [, message, apply] = early.get(lastSequence + 1);
    early.delete(lastSequence + 1);
    lastSequence += 1;
    apply(message);
  }
  for (const sequence of early.keys()) if (sequence <= lastSequence) early.delete(sequence);
  if (expected !== null && lastSequence >= expected) expected = null;
}

function waitForGap() {
  const open = early.size > 0 || expected !== null;
  if (!open) {
    clearTimeout(gapTimer);
    gapTimer = null;
  } else if (!gapTimer) {
    gapTimer = setTimeout(() => {
      gapTimer = null;
      const highest = Math.max(expected ?? 0, ...early.keys());
      if (highest > lastSequence) resync(highest);
    }, REORDER_WAIT_MS);
  }
}

function forgetGap() {
  clearTimeout(gapTimer);
  gapTimer = null;
  early = new Map();
  expected = null;
}

async function resync(sequence) {
  refetching = true;
  resyncs += 1;
  forgetGap();
  try {
    await refetchAll();
    lastSequence = sequence;
    setLive(state.live.state, true);
  } catch (error) {
    // Try again with the next message: until then nothing counts as applied.
    freshConnection = true;
    reportError(error);
  } finally {
    refetching = false;
  }
  const waiting = held;
  held = [];
  for (const [name, message, apply] of waiting) receive(name, message, apply);
}

// ---------------------------------------------------------------------------------------------------------------
// Language: the app's texts follow the profile's language, saved there so every device shows the same

async function chooseLanguage(tag) {
  localStorage.setItem('actors.language', tag);
  if (!state.session || !state.profile) {
    applyLanguage();
    return;
  }
  if (appLanguageFor(state.profile.preferredLanguage) === tag) return;
  try {
    let response = await api('PATCH', customerPath(), { body: { preferredLanguage: tag }, ifMatch: state.profile.version });
    if (response.status === 412) {
      // Changed on another device meanwhile: the language is all this changes, so it is asked for again at once.
      setProfile((await apiOk('GET', customerPath())).data);
      response = await api('PATCH', customerPath(), { body: { preferredLanguage: tag }, ifMatch: state.profile.version });
    }
    if (!response.ok) throw new ApiError(problemText(response.data), response.status, response.data);
    setProfile(response.data);
    announce(t('profile.languageSaved'));
  } catch (error) {
    options($('app-language'), APP_LANGUAGES, appLanguage());
    reportError(error);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Loyalty points and the personalized checkout summary

async function loadPoints() {
  const response = await apiOk('GET', customerPath('/points'));
  if (!state.session) return;
  state.points = response.data.balance;
  renderPoints();
}

function renderPoints() {
  $('points-balance').textContent = state.points === null ? '' : t('points.balance', { points: number(state.points) });
  $('points').dataset.balance = state.points === null ? '' : String(state.points);
}

function purposeName(purpose) {
  return PURPOSES.includes(purpose) ? t(`purpose.${purpose}`) : purpose;
}

/** What shaped the open checkout ("why am I seeing this"), its discounts, its points and its display currency. */
function renderPersonalization() {
  const checkout = state.checkout;
  const personalization = checkout.personalization;
  const discounted = typeof checkout.subtotal === 'number' && checkout.subtotal !== checkout.total;
  show($('checkout-subtotal'), discounted);
  $('checkout-subtotal').textContent = discounted ? t('checkout.subtotal', { amount: money(checkout.subtotal, checkout.currency) }) : '';
  show($('checkout-offer'), Boolean(checkout.offer));
  $('checkout-offer').textContent = checkout.offer
    ? t('checkout.offer', { title: checkout.offer.title, amount: money(checkout.offer.discount, checkout.currency) }) : '';
  const display = personalization?.display;
  const elsewhere = Boolean(display && display.total !== null && display.currency !== checkout.currency);
  show($('checkout-display'), elsewhere);
  $('checkout-display').textContent = elsewhere ? t('checkout.display', { amount: money(display.total, display.currency) }) : '';

  const by = personalization?.personalizedBy ?? [];
  $('checkout-why').dataset.personalizedBy = by.join(' ');
  $('why-by').textContent = by.length ? t('why.by', { purposes: by.map(purposeName).join(', ') }) : t('why.none');
  // The reasons are the API's own plain-language sentences.
  $('why-reasons').replaceChildren(...(personalization?.reasons ?? []).map((reason) => h('li',
    { 'data-testid': 'why-reason', 'data-choice': reason.choice, 'data-purpose': reason.purpose ?? '' }, reason.text)));

  const points = personalization?.points;
  show($('checkout-points'), Boolean(points));
  if (!points) return;
  const lines = [t('checkout.pointsBalance', { points: number(points.balance) })];
  if (points.redeemed > 0) {
    lines.push(t('checkout.pointsRedeemed', { points: number(points.redeemed), amount: money(points.discount, checkout.currency) }));
  }
  if (points.earns > 0) lines.push(t('checkout.pointsEarns', { points: number(points.earns) }));
  const redeemable = !state.payment && points.redeemed === 0 && points.maxRedeemable > 0;
  if (!redeemable && points.redeemed === 0) lines.push(t('checkout.pointsNone'));
  $('checkout-points-text').textContent = lines.join(' ');
  show($('redeem-form'), redeemable);
  if (redeemable) {
    $('redeem-label').textContent = t('checkout.pointsRedeemLabel', { points: number(points.maxRedeemable) });
    $('redeem-points').max = String(points.maxRedeemable);
    if (!$('redeem-form').contains(document.activeElement)) $('redeem-points').value = String(points.maxRedeemable);
  }
}

/** Redeeming points makes a new checkout of the cart that uses them: creating one charges nothing. */
async function redeemPoints(event) {
  event.preventDefault();
  const most = state.checkout?.personalization?.points?.maxRedeemable ?? 0;
  const wanted = Number($('redeem-points').value);
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > most) {
    showCheckoutError(t('checkout.pointsInvalid', { points: number(most) }));
    return;
  }
  showCheckoutError('');
  await withBusy($('redeem-submit'), t('checkout.pointsRedeeming'), $('checkout'), async () => {
    try {
      const created = await apiOk('POST', customerPath('/checkouts'), { body: { redeemPoints: wanted }, idempotencyKey: newKey() });
      state.checkout = created.data;
      state.payment = null;
      state.paymentTrail = [];
      state.confirming = null;
      renderCheckout();
      $('checkout-total').focus?.();
      announce(t('checkout.pointsUsed', { points: number(wanted), amount: money(created.data.total, created.data.currency) }));
    } catch (error) {
      showCheckoutError(error.message);
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Privacy centre: consent per purpose, with what it allows, a switch, and the history of every change

async function loadConsents() {
  const response = await apiOk('GET', customerPath('/consents'));
  if (!state.session) return;
  state.consents = response.data.consents;
  state.consentHistory = response.data.history;
  renderPrivacy();
}

function applyConsents(consents) {
  state.consents = consents;
  renderPrivacy();
}

function consentDevice(id) {
  if (id && id === deviceId()) return t('privacy.thisDevice');
  return state.sessions.find((session) => session.deviceId === id)?.deviceLabel || t('privacy.otherDevice');
}

function renderPrivacy() {
  replaceKeepingFocus($('privacy-purposes'), PURPOSES.map((purpose) => {
    const consent = state.consents.find((c) => c.purpose === purpose) ?? { purpose, granted: false, decidedAt: null };
    const name = purposeName(purpose);
    const now = consent.decidedAt
      ? t(consent.granted ? 'privacy.on' : 'privacy.offSince', { date: when(consent.decidedAt) })
      : t('privacy.off');
    return h('li', { 'data-testid': 'purpose', 'data-purpose': purpose, 'data-granted': String(consent.granted) },
      h('h3', {}, name),
      h('p', {}, h('strong', {}, t('privacy.allows')), t(`purpose.${purpose}.allows`)),
      h('p', {}, h('strong', {}, t('privacy.without')), t(`purpose.${purpose}.without`)),
      h('p', { class: 'switch' },
        h('input', {
          type: 'checkbox', role: 'switch', id: `consent-${purpose}`, 'data-testid': 'consent-switch', 'data-purpose': purpose,
          checked: consent.granted, 'aria-describedby': `consent-${purpose}-state`,
          onchange: (event) => setConsent(purpose, event.currentTarget.checked, event.currentTarget),
        }),
        h('label', { for: `consent-${purpose}` }, t('privacy.switch', { purpose: name })),
        ' ',
        h('span', { class: 'hint', id: `consent-${purpose}-state`, 'data-testid': 'consent-state' }, now)));
  }));
  $('privacy-policy').textContent = t('privacy.policy', { policy: PRIVACY_POLICY });
  const history = state.consentHistory.filter((change) => PURPOSES.includes(change.purpose));
  $('privacy-history').replaceChildren(...history.map((change) => h('li',
    { 'data-testid': 'consent-change', 'data-purpose': change.purpose, 'data-granted': String(change.granted) },
    timeElement(change.decidedAt), ' ',
    t(change.granted ? 'privacy.historyGranted' : 'privacy.historyWithdrawn', { purpose: purposeName(change.purpose) }),
    t('privacy.historyWhere', { channel: channelText(change.channel), device: consentDevice(change.deviceId) }))));
  show($('privacy-history-empty'), history.length === 0);
}

/** A switch states the decision under the policy this app shows; the answer is every purpose's consent now. */
async function setConsent(purpose, granted, input) {
  input.disabled = true;
  input.setAttribute('aria-busy', 'true');
  try {
    const response = await apiOk('PUT', customerPath(`/consents/${encodeURIComponent(purpose)}`),
      { body: { granted, policyVersion: PRIVACY_POLICY } });
    applyConsents(response.data.consents);
    await loadConsents();
    announce(t(granted ? 'privacy.grantedAnnounce' : 'privacy.withdrawnAnnounce', { purpose: purposeName(purpose) }));
  } catch (error) {
    reportError(error);
    renderPrivacy();
  } finally {
    input.disabled = false;
    input.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring

function wire() {
  renderSandboxCards();
  $('alert-dismiss').addEventListener('click', () => showAlert(''));
  $('profile-edit').addEventListener('click', openProfileForm);
  $('profile-cancel').addEventListener('click', closeProfileForm);
  $('profile-form').addEventListener('submit', saveProfile);
  $('method-undo-button').addEventListener('click', undoRemoveMethod);
  $('devices-refresh').addEventListener('click', (event) => refreshSessions(event.currentTarget));
  $('receipt-close').addEventListener('click', closeReceipt);

  $('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showAlert('');
    const button = $('signin-submit');
    button.disabled = true;
    try {
      await signInAs($('signin-customer').value.trim());
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  });
  $('demo-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    showAlert('');
    const button = $('demo-submit');
    button.disabled = true;
    try {
      await createDemoCustomer($('demo-name').value.trim(), $('demo-currency').value);
    } catch (error) {
      reportError(error);
    } finally {
      button.disabled = false;
    }
  });
  $('signout').addEventListener('click', () => signOut());

  $('item-form').addEventListener('submit', (event) => {
    event.preventDefault();
    // The price is the merchant's: an item is added by its code, as the catalog sells it.
    const sku = $('item-sku').value.trim();
    const product = (catalog ?? []).find((item) => item.sku === sku);
    if (!product) {
      showAlert(t('cart.noSuchItem', { sku }));
      return;
    }
    showAlert('');
    addToCart(product, Number($('item-quantity').value));
    event.target.reset();
  });
  $('conflict-reapply').addEventListener('click', reapplyConflict);
  $('conflict-discard').addEventListener('click', discardConflict);

  $('checkout-start').addEventListener('click', startCheckout);
  $('checkout-confirm').addEventListener('click', () => confirmCheckout());
  $('checkout-cancel').addEventListener('click', closeCheckout);
  $('payment-done').addEventListener('click', closeCheckout);
  $('stepup').addEventListener('submit', (event) => {
    event.preventDefault();
    confirmCheckout($('stepup-code').value.trim());
  });

  $('limits-form').addEventListener('submit', saveLimits);
  $('redeem-form').addEventListener('submit', redeemPoints);
  $('app-language').addEventListener('change', (event) => chooseLanguage(event.currentTarget.value));
  $('why-privacy').addEventListener('click', () => requestAnimationFrame(() => $('privacy').focus()));
  $('method-form').addEventListener('submit', addMethod);
  $('totp-start').addEventListener('click', startTotp);
  $('totp-form').addEventListener('submit', confirmTotp);

  $('payments-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      state.search = readSearch();
      await searchPayments();
      showAlert('');
      announce(t('payments.found', { count: `${state.payments.length}${state.paymentsHasMore ? '+' : ''}` }));
    } catch (error) {
      reportError(error);
    }
  });
  $('payments-form').addEventListener('reset', () => {
    state.search = {};
    searchPayments().catch(reportError);
  });
  $('payments-more').addEventListener('click', () => searchPayments({ more: true }).catch(reportError));
  $('payments-csv').addEventListener('click', downloadCsv);

  // The browser knows before the socket does: going offline queues edits at once; coming back retries at once.
  // A socket that outlives a short outage lost nothing (the sequence rule would notice), so "synced" stays.
  window.addEventListener('offline', () => {
    if (state.session) setLive('offline');
  });
  window.addEventListener('online', () => {
    if (!state.session || !connection) return;
    if (connection.state === signalR.HubConnectionState.Connected) {
      setLive('connected');
      flushQueue();
    } else if (connection.state === signalR.HubConnectionState.Reconnecting) {
      // Do not sit out the rest of a retry delay: stop the waiting reconnect and start again now.
      connection.stop().then(startLive);
    } else {
      startLive();
    }
  });
}

wire();
applyLanguage();
const resumed = loadSession();
if (resumed) startSession(resumed);
