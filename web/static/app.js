// CountryCite progressive enhancement: copy a citation in one click (rich text with the title in italics
// where the browser allows it, plain text otherwise). The page works without this script.

function announce(message) {
  const status = document.getElementById('status');
  if (status) {
    status.textContent = '';
    // A fresh text node so screen readers announce repeated messages.
    window.setTimeout(() => {
      status.textContent = message;
    }, 20);
  }
}

async function copyCitation(button) {
  const plain = button.dataset.citation || '';
  const html = button.dataset.citationHtml || '';
  try {
    if (html && window.ClipboardItem && navigator.clipboard?.write) {
      await navigator.clipboard.write([
        new ClipboardItem({
          'text/plain': new Blob([plain], { type: 'text/plain' }),
          'text/html': new Blob([html], { type: 'text/html' }),
        }),
      ]);
    } else if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(plain);
    } else {
      fallbackCopy(plain);
    }
    button.dataset.copied = 'true';
    const label = button.querySelector('.label');
    const before = label ? label.textContent : '';
    if (label) label.textContent = 'Copied';
    announce('Citation copied to the clipboard.');
    window.setTimeout(() => {
      if (label) label.textContent = before;
      delete button.dataset.copied;
    }, 2000);
  } catch {
    fallbackCopy(plain);
  }
}

function fallbackCopy(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(area);
  announce(
    ok ? 'Citation copied to the clipboard.' : 'Copy failed: select the citation text and copy it by hand.',
  );
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-copy-citation]') : null;
  if (target instanceof HTMLElement) {
    event.preventDefault();
    void copyCitation(target);
  }
});

// Filters apply as soon as they change, so a keyboard user need not find the submit button.
document.addEventListener('change', (event) => {
  const target = event.target;
  if (
    target instanceof HTMLSelectElement ||
    (target instanceof HTMLInputElement && target.type === 'checkbox')
  ) {
    if (target.form && target.form.dataset.autosubmit !== undefined) target.form.requestSubmit();
  }
});
