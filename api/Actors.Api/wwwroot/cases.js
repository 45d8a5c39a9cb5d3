// Support cases on the customer's payments (support writes, the customer answers here, both live) and the customer's
// feedback on a closed case or a paid payment.
import { t } from './i18n.js';

const $ = (id) => document.getElementById(id);

/**
 * app: { call(method, suffix, body) → the answer's data (throws on a problem), h(tag, attributes, ...children),
 * timeElement(iso), paymentLabel(paymentId), announce(text), reportError(error) }.
 */
export function createCases(app) {
  const { h } = app;
  let cases = []; // newest first, as GET …/cases answers
  let feedback = []; // as GET …/feedback answers
  let paymentAsked = null; // the succeeded payment whose result panel asks for feedback

  const given = (subjectId) => feedback.find((entry) => entry.subjectId === subjectId);

  /** A rating (1–5) and an optional comment, sent once; the form becomes a thank-you. */
  function feedbackForm(subjectId, idPrefix) {
    const earlier = given(subjectId);
    if (earlier) {
      return h('p', { class: 'hint', 'data-testid': 'feedback-given' }, t('feedback.thanks', { rating: earlier.rating }));
    }
    const rating = h('select', { id: `${idPrefix}-rating`, 'data-testid': 'feedback-rating', required: true },
      h('option', { value: '' }, t('feedback.choose')),
      ...[5, 4, 3, 2, 1].map((value) => h('option', { value }, t(`feedback.rating.${value}`))));
    const comment = h('input', { id: `${idPrefix}-comment`, 'data-testid': 'feedback-comment', maxlength: 1000, autocomplete: 'off' });
    const send = h('button', { type: 'submit', 'data-testid': 'feedback-send' }, t('feedback.send'));
    const form = h('form', { class: 'feedback', 'data-testid': 'feedback-form' },
      h('label', { for: rating.id }, t('feedback.rating')), rating,
      h('label', { for: comment.id }, t('feedback.comment')), comment, send);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!rating.value) {
        rating.focus();
        return;
      }
      send.disabled = true;
      send.setAttribute('aria-busy', 'true');
      try {
        const body = { subjectId, rating: Number(rating.value) };
        if (comment.value.trim()) body.comment = comment.value.trim();
        feedback = [await app.call('POST', '/feedback', body), ...feedback];
        app.announce(t('feedback.sent'));
        render();
      } catch (error) {
        app.reportError(error);
        send.disabled = false;
        send.removeAttribute('aria-busy');
      }
    });
    return form;
  }

  function caseItem(supportCase) {
    const open = supportCase.status === 'open';
    const messages = h('ol', { class: 'case-messages', 'data-testid': 'case-messages' },
      ...supportCase.messages.map((message) => h('li', { 'data-from': message.from },
        h('strong', {}, t(`cases.from.${message.from}`)), ' ', message.text, ' ', app.timeElement(message.at))));
    const parts = [
      h('h3', {}, t(`cases.kind.${supportCase.kind}`, { payment: app.paymentLabel(supportCase.paymentId) })),
      h('p', { class: 'hint', 'data-testid': 'case-status' }, open ? t('cases.open') : t('cases.closed', { resolution: supportCase.resolution ?? t('cases.noResolution') })),
      messages,
    ];
    if (open) {
      const answer = h('input', { id: `answer-${supportCase.id}`, 'data-testid': 'case-answer', maxlength: 2000, autocomplete: 'off', required: true });
      const send = h('button', { type: 'submit', 'data-testid': 'case-send' }, t('cases.send'));
      const form = h('form', { class: 'case-reply' }, h('label', { for: answer.id }, t('cases.answer')), answer, send);
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!answer.value.trim()) return;
        send.disabled = true;
        send.setAttribute('aria-busy', 'true');
        try {
          upsert(await app.call('POST', `/cases/${encodeURIComponent(supportCase.id)}/messages`, { text: answer.value.trim() }));
          app.announce(t('cases.sent'));
          $(`answer-${supportCase.id}`)?.focus();
        } catch (error) {
          app.reportError(error);
          send.disabled = false;
          send.removeAttribute('aria-busy');
        }
      });
      parts.push(form);
    } else {
      parts.push(feedbackForm(supportCase.id, `feedback-${supportCase.id}`));
    }
    return h('li', { 'data-testid': 'case', 'data-id': supportCase.id, 'data-status': supportCase.status }, ...parts);
  }

  function render() {
    $('cases').hidden = cases.length === 0;
    $('cases-list').replaceChildren(...cases.map(caseItem));
    const paymentFeedback = $('payment-feedback');
    paymentFeedback.hidden = !paymentAsked;
    paymentFeedback.replaceChildren(...(paymentAsked
      ? [h('p', {}, t('feedback.paymentQuestion')), feedbackForm(paymentAsked, 'feedback-payment')]
      : []));
  }

  function upsert(supportCase) {
    cases = [supportCase, ...cases.filter((existing) => existing.id !== supportCase.id)]
      .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    render();
  }

  return {
    async load() {
      const [listed, given] = await Promise.all([app.call('GET', '/cases'), app.call('GET', '/feedback')]);
      cases = listed.cases;
      feedback = given.feedback;
      render();
    },
    /** A CaseUpdated: the case as it is now; a new message from support is read out. */
    caseUpdated(message) {
      const before = cases.find((existing) => existing.id === message.case.id);
      upsert(message.case);
      const last = message.case.messages.at(-1);
      if (last?.from === 'support' && (!before || before.messages.length < message.case.messages.length)) {
        app.announce(t('cases.announce'));
      }
    },
    /** The payment shown in the result panel: a succeeded one is asked about. */
    paymentShown(payment) {
      const asked = payment?.status === 'succeeded' ? payment.id : null;
      if (asked === paymentAsked) return;
      paymentAsked = asked;
      render();
    },
    reset() {
      cases = [];
      feedback = [];
      paymentAsked = null;
      render();
    },
  };
}
