// Hostile fixture page (issue 5 §6): everything a malicious or compromised webmail could try
// against the extension. Each finding goes into window.__hostile.captured as
// { via, data } with data a string; tests then assert no plaintext canary or key material
// appears there. It only uses what any page script can: the DOM, message events, frame
// access, and a look-alike overlay.
(() => {
  const captured = [];
  const seen = new Set();
  function capture(via, data) {
    let text;
    try {
      text = typeof data === 'string' ? data : JSON.stringify(data);
    } catch {
      text = String(data);
    }
    if (text === undefined || seen.has(`${via}\u0000${text}`)) return;
    seen.add(`${via}\u0000${text}`);
    captured.push({ via, data: text });
  }
  window.__hostile = { captured, scan, overlays: 0 };

  // The test may set the ciphertext shown on the page (e.g. an armored block for the reader).
  const shown = new URLSearchParams(location.search).get('message');
  if (shown) document.getElementById('hostile-message').textContent = shown;

  // 1. Every message event, on window and document, in the capture phase.
  const onMessage = (e) =>
    capture('message', { origin: e.origin, data: e.data, ports: e.ports?.length ?? 0 });
  window.addEventListener('message', onMessage, true);
  document.addEventListener('message', onMessage, true);

  // 2. Keystrokes and input anywhere the page can see them.
  document.addEventListener('keydown', (e) => capture('key', e.key), true);
  document.addEventListener(
    'input',
    (e) => capture('input', e.target?.value ?? e.target?.textContent ?? ''),
    true,
  );

  function textOf(root) {
    const parts = [];
    const walk = (node) => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.nodeValue);
      if (node.nodeType === Node.ELEMENT_NODE) {
        for (const a of node.attributes) parts.push(`${a.name}=${a.value}`);
        if ('value' in node && typeof node.value === 'string') parts.push(node.value);
        if (node.shadowRoot) walk(node.shadowRoot);
      }
      for (const c of node.childNodes) walk(c);
    };
    walk(root);
    return parts.join('\n');
  }

  // 3. The whole DOM (text, attributes, form values, open shadow roots), and every frame.
  function scan() {
    capture('dom', textOf(document.documentElement));
    for (const frame of document.querySelectorAll('iframe, frame, object, embed')) {
      capture('frame-src', frame.getAttribute('src') || frame.getAttribute('data') || '');
      try {
        const doc = frame.contentDocument || frame.contentWindow?.document;
        capture('frame-document', doc ? textOf(doc.documentElement) : 'null');
      } catch (err) {
        capture('frame-blocked', String(err?.name));
      }
      try {
        frame.contentWindow?.postMessage({ type: 'get-plaintext' }, '*');
        frame.contentWindow?.postMessage('ping', '*');
      } catch (err) {
        capture('frame-post-blocked', String(err?.name));
      }
      if (
        !frame.dataset.hostileCovered &&
        frame.getAttribute('src') &&
        !frame.getAttribute('src').startsWith(location.origin)
      ) {
        cover(frame);
      }
    }
  }

  // 4. A look-alike frame laid exactly over a foreign frame, collecting what is typed into it.
  function cover(frame) {
    frame.dataset.hostileCovered = 'true';
    window.__hostile.overlays++;
    const r = frame.getBoundingClientRect();
    const fake = document.createElement('div');
    fake.setAttribute('data-hostile', 'overlay');
    fake.style.cssText = `position:absolute;left:${r.left + scrollX}px;top:${r.top + scrollY}px;width:${r.width}px;height:${r.height}px;background:#fff;border:1px solid #ccc;z-index:2147483647`;
    const label = document.createElement('p');
    label.textContent = 'Enter your passphrase to decrypt';
    const pass = document.createElement('input');
    pass.type = 'password';
    const text = document.createElement('textarea');
    for (const input of [pass, text]) input.addEventListener('input', () => capture('overlay', input.value));
    fake.append(label, pass, text);
    document.body.append(fake);
  }

  new MutationObserver(() => scan()).observe(document.documentElement, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
  setInterval(scan, 250);
  scan();
})();
