// The store till: sells to the customer holding a loyalty card, paid at the till or handed to the customer's phone,
// and follows the sale live. For the shop's staff, in English; the customer's own app speaks their language.

const $ = (id) => document.getElementById(id);
const LIVE_HUB = '/hubs/customer';

const till = {
  id: tillId(),
  token: null,
  catalog: [],
  sale: null, // { customerId, checkout, payment } as the API last answered
  request: null, // { key, body } of the sale request in flight, reused when a retry resends it
  connection: null,
};

function tillId() {
  let id = localStorage.getItem('actors.tillId');
  if (!id) {
    id = `till-${crypto.randomUUID().slice(0, 8)}`;
    localStorage.setItem('actors.tillId', id);
  }
  return id;
}

function money(minor, currency) {
  const format = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
}

function brandName(brand) {
  return brand ? brand[0].toUpperCase() + brand.slice(1) : 'card';
}

function showAlert(text) {
  $('till-alert-text').textContent = text;
  $('till-alert').hidden = !text;
}

async function api(method, path, { body, key } = {}) {
  const headers = { Authorization: `Bearer ${till.token}`, 'X-Device-Id': till.id, 'X-Device-Label': 'Store till' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (key) headers['Idempotency-Key'] = key;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = (response.headers.get('content-type') ?? '').includes('json') ? await response.json() : null;
  return { ok: response.ok, status: response.status, data };
}

/** What the staff read for a refusal: what happened and what to do, never a code. */
function problemText(problem) {
  switch (problem?.type) {
    case '/errors/identity-not-found':
      return 'This loyalty card is not registered. Tick "Sign up a new guest" to register it with this sale.';
    case '/errors/cap-exceeded':
      return 'The customer\'s own spending cap does not allow this purchase today.';
    case '/errors/self-excluded':
      return 'The customer has paused their spending for now: no sale can be made.';
    case '/errors/payment-method-not-found':
      return 'The customer has no saved card. Choose "On the customer\'s phone": they can add a card there.';
    case '/errors/validation':
      return `Please check the sale: ${Object.values(problem.errors ?? {}).flat().join('; ')}.`;
    case '/errors/too-many-requests':
      return 'The till is sending too fast. Wait a moment and try again.';
    default:
      return problem?.detail ?? problem?.title ?? 'The sale could not be made. Try again.';
  }
}

const STATUS_TEXT = {
  processing: 'The bank is checking the payment…',
  requires_action: 'The bank asks the customer for a code.',
  succeeded: 'Paid',
  declined: 'Declined by the bank',
  released: 'Not paid: the payment was cancelled',
};

function renderItems() {
  $('items').replaceChildren(...till.catalog.map((item) => {
    const li = document.createElement('li');
    li.dataset.testid = 'till-item';
    li.dataset.sku = item.sku;
    const label = document.createElement('label');
    label.htmlFor = `qty-${item.sku}`;
    label.textContent = `${item.name} (${money(item.unitPrice, item.currency)})`;
    const input = document.createElement('input');
    Object.assign(input, { id: `qty-${item.sku}`, type: 'number', min: 0, max: 99, value: 0 });
    input.dataset.sku = item.sku;
    input.addEventListener('input', renderTotal);
    li.append(label, input);
    return li;
  }));
  renderTotal();
}

function lines() {
  return [...document.querySelectorAll('#items input')]
    .map((input) => ({ sku: input.dataset.sku, quantity: Number(input.value) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0);
}

function renderTotal() {
  const chosen = lines().map((line) => ({ ...line, item: till.catalog.find((item) => item.sku === line.sku) }));
  const currency = chosen[0]?.item.currency;
  $('sale-total').textContent = currency && chosen.every((line) => line.item.currency === currency)
    ? money(chosen.reduce((sum, line) => sum + line.quantity * line.item.unitPrice, 0), currency)
    : '';
}

function renderOutcome() {
  const sale = till.sale;
  $('outcome').hidden = !sale;
  $('sale').hidden = Boolean(sale);
  if (!sale) return;
  const { checkout, payment } = sale;
  const status = payment?.status ?? (checkout.handedToPhone ? 'waiting' : 'open');
  $('outcome').dataset.status = status;
  $('outcome-status').textContent = payment
    ? STATUS_TEXT[payment.status] ?? 'Payment updated'
    : 'Waiting for the customer to pay on their phone…';
  const total = money(checkout.total, checkout.currency);
  $('outcome-text').textContent = payment
    ? `${total} with ${brandName(payment.paymentMethod.brand)} ending ${payment.paymentMethod.last4}${sale.enrolled ? ' · new guest signed up' : ''}.`
    : `${total} for ${checkout.description}. The sale shows on the customer's signed-in phone.`;
  $('till-stepup').hidden = payment?.status !== 'requires_action' || checkout.handedToPhone;
}

async function sell(event) {
  event.preventDefault();
  showAlert('');
  const pay = document.querySelector('input[name="pay"]:checked').value;
  const body = { card: $('card').value.trim(), lines: lines(), pay };
  if ($('enrol').checked) body.enrol = {};
  if (!body.lines.length) {
    showAlert('Add at least one item to the sale.');
    return;
  }
  // A retry of the very same sale (after a network failure) reuses its key, so it can never sell twice.
  const same = till.request && JSON.stringify(till.request.body) === JSON.stringify(body);
  till.request = same ? till.request : { key: crypto.randomUUID(), body };
  $('sale-submit').disabled = true;
  try {
    const answer = await api('POST', '/v1/pos/checkouts', { body, key: till.request.key });
    if (!answer.ok) {
      till.request = null;
      showAlert(problemText(answer.data));
      return;
    }
    till.request = null;
    till.sale = answer.data;
    renderOutcome();
    $('outcome-title').focus();
    await follow(answer.data.customerId, answer.data.checkout.id);
  } catch {
    showAlert('The server cannot be reached. Press "Start sale" again: the same sale is resent, never a second one.');
  } finally {
    $('sale-submit').disabled = false;
  }
}

/** Hears of this sale's payment live; reads it once after connecting, so nothing that happened meanwhile is missed. */
async function follow(customerId, checkoutId) {
  await till.connection?.stop();
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${LIVE_HUB}?customerId=${encodeURIComponent(customerId)}&deviceId=${encodeURIComponent(till.id)}`,
      { accessTokenFactory: () => till.token })
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('PaymentUpdated', (message) => {
    if (till.sale?.checkout.id === message.payment.checkoutId) apply(message.payment);
  });
  connection.onreconnected(() => catchUp(customerId, checkoutId));
  till.connection = connection;
  try {
    await connection.start();
  } catch {
    showAlert('Live updates could not start; the sale is checked again when you press "Next customer".');
  }
  await catchUp(customerId, checkoutId);
}

async function catchUp(customerId, checkoutId) {
  const answer = await api('GET', `/v1/pos/checkouts/${encodeURIComponent(customerId)}/${encodeURIComponent(checkoutId)}`);
  if (answer.ok && answer.data.payment && till.sale?.checkout.id === checkoutId) apply(answer.data.payment);
}

const RANK = { processing: 1, requires_action: 2, declined: 3, released: 3, succeeded: 4 };

/** A status never goes back: a live update may overtake the answer that reported an earlier one. */
function apply(payment) {
  const current = till.sale.payment;
  if (current?.id === payment.id && (RANK[payment.status] ?? 0) < (RANK[current.status] ?? 0)) return;
  till.sale = { ...till.sale, payment };
  renderOutcome();
}

async function sendCode(event) {
  event.preventDefault();
  const { customerId, checkout, payment } = till.sale;
  $('till-stepup-submit').disabled = true;
  try {
    const answer = await api('POST', `/v1/pos/checkouts/${encodeURIComponent(customerId)}/${encodeURIComponent(checkout.id)}/confirm`,
      { body: { paymentMethodId: payment.paymentMethod.id, stepUpCode: $('till-stepup-code').value.trim() }, key: crypto.randomUUID() });
    if (answer.ok) apply(answer.data);
    else showAlert(problemText(answer.data));
  } catch {
    showAlert('The server cannot be reached. Send the code again.');
  } finally {
    $('till-stepup-submit').disabled = false;
    $('till-stepup-code').value = '';
  }
}

function nextCustomer() {
  till.connection?.stop();
  till.connection = null;
  till.sale = null;
  showAlert('');
  $('sale').reset();
  renderOutcome();
  renderTotal();
  $('card').focus();
}

async function start() {
  $('till-id').textContent = till.id;
  const token = await fetch('/v1/dev/tokens', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ role: 'pos' }),
  }).catch(() => null);
  if (!token?.ok) {
    showAlert('The till cannot sign in: development sign-in is off or the server cannot be reached.');
    return;
  }
  till.token = (await token.json()).accessToken;
  const catalog = await api('GET', '/v1/catalog');
  till.catalog = catalog.ok ? catalog.data.filter((item) => item.active) : [];
  renderItems();
  document.body.dataset.ready = 'true';
}

$('sale').addEventListener('submit', sell);
$('till-stepup').addEventListener('submit', sendCode);
$('outcome-next').addEventListener('click', nextCustomer);
start();
