// The phone's side of a store till's hand-off: a till checkout handed to this customer's devices is offered in a
// panel; paying opens the app's own confirm screen (card choice and step-up included), so no payment flow is repeated.
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

/**
 * app: { fetchCheckout(id) → the checkout as GET …/checkouts/{id} answers it, openCheckout(checkout), money(minor,
 * currency), announce(text), reportError(error) }.
 */
export function createHandoff(app) {
  let offered = null; // the till's checkout offered now, as its live update gave it

  function render() {
    $('handoff').hidden = !offered;
    if (!offered) return;
    $('handoff-text').textContent = t('handoff.text', { amount: app.money(offered.total, offered.currency), description: offered.description });
  }

  function withdraw(checkoutId) {
    if (offered?.id !== checkoutId) return;
    offered = null;
    render();
  }

  async function pay() {
    const checkoutId = offered?.id;
    if (!checkoutId) return;
    $('handoff-pay').disabled = true;
    try {
      app.openCheckout(await app.fetchCheckout(checkoutId));
      withdraw(checkoutId);
    } catch (error) {
      app.reportError(error);
    } finally {
      $('handoff-pay').disabled = false;
    }
  }

  $('handoff-pay').addEventListener('click', pay);
  $('handoff-dismiss').addEventListener('click', () => withdraw(offered?.id));

  return {
    /** A CheckoutUpdated: a new hand-off is offered; one paid, changed or expired elsewhere is taken away. */
    checkoutUpdated(message) {
      const checkout = message.checkout;
      if (message.change === 'created' && checkout.handedToPhone && checkout.status === 'requires_confirmation') {
        offered = checkout;
        render();
        app.announce(t('handoff.announce', { amount: app.money(checkout.total, checkout.currency) }));
        $('handoff-title').focus();
      } else {
        withdraw(checkout.id);
      }
    },
    /** A PaymentUpdated: the offered checkout is being paid (here or on another device). */
    paymentUpdated(message) {
      withdraw(message.payment.checkoutId);
    },
    reset() {
      offered = null;
      render();
    },
  };
}
