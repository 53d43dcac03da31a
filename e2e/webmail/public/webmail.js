// The demo webmail's page script. Like a real webmail editor it keeps its own compose model
// (window.__webmail.model), updated from input events; Send reads the model, not the DOM, so
// text that reaches the editor without an input event is not sent. DOM is built with
// createElement/textContent only: the Gmail skin runs under a Trusted Types CSP.
(() => {
  const body = document.body;
  const skin = body.dataset.skin;
  const directory = JSON.parse(document.getElementById('webmail-directory')?.textContent || '[]');
  const ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+$/;

  const state = {
    account: body.dataset.account,
    address: body.dataset.address,
    skin,
    view: body.dataset.view,
    replyId: body.dataset.replyId || null,
    model: { to: [], cc: [], bcc: [], subject: '', body: '' },
    /** Model changes in order, for tests: [field, value]. */
    changes: [],
    lastSent: null,
    lastError: null,
  };
  window.__webmail = state;

  function setField(field, value) {
    state.model[field] = value;
    state.changes.push([field, Array.isArray(value) ? value.slice() : value]);
  }

  function nameFor(address) {
    const hit = directory.find((d) => d.address.toLowerCase() === address.toLowerCase());
    return hit ? hit.name : address;
  }

  function parseAddresses(text) {
    return text
      .split(/[\s,;]+/)
      .map((s) => s.replace(/^<|>$/g, ''))
      .filter((s) => ADDRESS.test(s));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  }

  function link(path, params) {
    const q = new URLSearchParams(params || {});
    const urlSkin = new URLSearchParams(location.search).get('skin');
    if (urlSkin) q.set('skin', urlSkin);
    const s = q.toString();
    return `/u/${state.account}${path}${s ? `?${s}` : ''}`;
  }

  const compose = document.querySelector('[data-wm="compose"]');
  if (!compose) return;

  // --- recipients -------------------------------------------------------------------------
  const pillAddress = new WeakMap();

  function gmailChip(address) {
    const remove = el(
      'div',
      { role: 'button', class: 'afX', 'aria-label': `Remove ${address}`, tabindex: '-1' },
      '×',
    );
    const chip = el(
      'div',
      {
        role: 'option',
        class: 'afV',
        'data-hovercard-id': address,
        'data-name': nameFor(address),
        tabindex: '-1',
      },
      el('span', { class: 'akl' }, nameFor(address)),
      remove,
    );
    remove.addEventListener('click', () => {
      const list = chip.parentElement;
      chip.remove();
      syncGmail(list.dataset.wmChips);
    });
    return chip;
  }

  function syncGmail(field) {
    const list = compose.querySelector(`[data-wm-chips="${field}"]`);
    setField(
      field,
      [...list.querySelectorAll('[role="option"][data-hovercard-id]')].map((c) =>
        c.getAttribute('data-hovercard-id'),
      ),
    );
  }

  function outlookPill(address) {
    // OWA shows the display name only; the address lives in the persona card.
    const pill = el(
      'span',
      {
        class: 'lpcCommonWeb-hoverTarget _pill',
        contenteditable: 'false',
        draggable: 'true',
        'data-lpc-hover-target': 'true',
        tabindex: '-1',
      },
      el('span', { class: 'textContainer' }, nameFor(address)),
    );
    pillAddress.set(pill, address);
    return pill;
  }

  function syncOutlook(well) {
    setField(
      well.dataset.wmWell,
      [...well.querySelectorAll('[data-lpc-hover-target]')].map((p) => pillAddress.get(p)).filter(Boolean),
    );
  }

  function commitOutlook(well) {
    const loose = [...well.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE);
    const text = loose.map((n) => n.textContent).join(' ');
    const addresses = parseAddresses(text);
    if (!addresses.length) return;
    for (const n of loose) n.remove();
    for (const a of addresses) well.append(outlookPill(a), ' ');
    syncOutlook(well);
  }

  let card = null;
  let cardTimer = 0;
  function closeCard() {
    clearTimeout(cardTimer);
    card?.remove();
    card = null;
  }
  function openCard(pill) {
    const address = pillAddress.get(pill);
    if (!address) return;
    closeCard();
    // Drawn a moment later, as OWA loads the persona card on hover.
    cardTimer = setTimeout(() => {
      const r = pill.getBoundingClientRect();
      card = el(
        'div',
        {
          role: 'dialog',
          class: 'ms-Callout lpc-card',
          'data-testid': 'persona-card',
          'aria-label': nameFor(address),
          style: `position:absolute;left:${r.left + scrollX}px;top:${r.bottom + scrollY + 4}px`,
        },
        el('div', { class: 'lpc-name' }, nameFor(address)),
        el('a', { href: `mailto:${address}` }, address),
      );
      document.body.append(card);
    }, 40);
  }

  if (skin === 'gmail') {
    for (const input of compose.querySelectorAll('[data-wm-recipient-input]')) {
      const field = input.dataset.wmRecipientInput;
      const list = compose.querySelector(`[data-wm-chips="${field}"]`);
      const commit = () => {
        const addresses = parseAddresses(input.value);
        if (!addresses.length) return;
        for (const a of addresses) list.append(gmailChip(a));
        input.value = '';
        syncGmail(field);
      };
      input.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ',' || e.key === ';') {
          e.preventDefault();
          commit();
        }
      });
      input.addEventListener('blur', commit);
      // Prefilled chips (reply) become real chips with remove buttons.
      const prefilled = [...list.querySelectorAll('[data-hovercard-id]')].map((c) =>
        c.getAttribute('data-hovercard-id'),
      );
      list.replaceChildren(...prefilled.map(gmailChip));
      syncGmail(field);
    }
  } else if (skin === 'outlook') {
    const prefill = JSON.parse(body.dataset.prefill || '{}');
    for (const well of compose.querySelectorAll('[data-wm-well]')) {
      for (const a of prefill[well.dataset.wmWell] || []) well.append(outlookPill(a), ' ');
      syncOutlook(well);
      well.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ';' || e.key === ',') {
          e.preventDefault();
          commitOutlook(well);
        }
      });
      well.addEventListener('blur', () => commitOutlook(well));
      well.addEventListener('input', () => syncOutlook(well));
      well.addEventListener('mouseover', (e) => {
        const pill = e.target instanceof Element ? e.target.closest('[data-lpc-hover-target]') : null;
        if (pill) openCard(pill);
      });
      well.addEventListener('mouseout', (e) => {
        const pill = e.target instanceof Element ? e.target.closest('[data-lpc-hover-target]') : null;
        if (pill && !pill.contains(e.relatedTarget)) closeCard();
      });
    }
  } else {
    for (const field of ['to', 'cc', 'bcc']) {
      const input = compose.querySelector(`[data-wm="${field}"]`);
      const sync = () => setField(field, parseAddresses(input.value));
      input.addEventListener('input', sync);
      sync();
    }
  }

  // --- subject and body -------------------------------------------------------------------
  const subject = compose.querySelector('[data-wm="subject"]');
  subject.addEventListener('input', () => setField('subject', subject.value));
  setField('subject', subject.value);

  const editor = compose.querySelector('[data-wm="body"]');
  const readBody = () =>
    // biome-ignore lint/performance/useDomNodeTextContent: the editor's <div>/<br> line breaks only show in innerText
    editor instanceof HTMLTextAreaElement ? editor.value : editor.innerText.replace(/\n$/, '');
  editor.addEventListener('input', () => setField('body', readBody()));
  setField('body', readBody());

  // --- send -------------------------------------------------------------------------------
  async function send(e) {
    e.preventDefault();
    if (skin === 'outlook')
      for (const well of compose.querySelectorAll('[data-wm-well]')) commitOutlook(well);
    const { to, cc, bcc, subject: subj, body: text } = state.model;
    const res = await fetch(`/api/accounts/${state.account}/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        to,
        cc,
        bcc,
        subject: subj,
        text,
        ...(state.replyId ? { inReplyTo: state.replyId } : {}),
      }),
    });
    const result = await res.json();
    if (!res.ok) {
      state.lastError = result.error;
      const alert =
        compose.querySelector('[data-wm="error"]') || el('div', { role: 'alert', 'data-wm': 'error' });
      alert.textContent = `Not sent: ${result.error?.message ?? res.status}`;
      compose.append(alert);
      return;
    }
    state.lastSent = result;
    location.assign(link('/', { sent: result.id }));
  }
  const sendButton = compose.querySelector('[data-wm="send"]');
  sendButton.addEventListener('click', send);
  compose.addEventListener('submit', send);
  sendButton.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') send(e);
  });
})();
