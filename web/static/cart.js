// CountryCite exhibit cart: passages are collected in this browser (localStorage), one tab per report, and
// sent to POST /api/exhibits to build the packet or its annotated index. Nothing leaves the browser until
// the user builds; the server keeps no cart.

const KEY = 'countrycite.exhibits';

function load() {
  try {
    const items = JSON.parse(localStorage.getItem(KEY) || '[]');
    return Array.isArray(items) ? items : [];
  } catch {
    return [];
  }
}

function save(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
  renderCount(items);
}

function renderCount(items) {
  for (const el of document.querySelectorAll('[data-cart-count]')) el.textContent = String(items.length);
  for (const button of document.querySelectorAll('[data-cart-add]')) {
    const inCart = items.some((i) => i.id === button.dataset.id);
    button.setAttribute('aria-pressed', String(inCart));
    const label = button.querySelector('.label');
    if (label) label.textContent = inCart ? 'In exhibits' : 'Add to exhibits';
  }
}

function toggle(button) {
  const items = load();
  const at = items.findIndex((i) => i.id === button.dataset.id);
  if (at >= 0) items.splice(at, 1);
  else
    items.push({
      id: button.dataset.id,
      documentId: button.dataset.document,
      title: button.dataset.title,
      cite: button.dataset.cite,
    });
  save(items);
}

/** One exhibit (tab) per report, in the order the reports were first added. */
function exhibitsOf(items) {
  const byDocument = new Map();
  for (const item of items) {
    const list = byDocument.get(item.documentId) || [];
    list.push(item.id);
    byDocument.set(item.documentId, list);
  }
  return [...byDocument.values()].map((passages) => ({ passages }));
}

function renderCart(root) {
  const items = load();
  const list = root.querySelector('[data-cart-list]');
  const empty = root.querySelector('[data-cart-empty]');
  const form = root.querySelector('form');
  list.replaceChildren();
  for (const item of items) {
    const li = document.createElement('li');
    const cite = document.createElement('span');
    cite.textContent = item.cite;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = 'Remove';
    remove.addEventListener('click', () => {
      save(load().filter((i) => i.id !== item.id));
      renderCart(root);
    });
    li.append(cite, ' ', remove);
    list.append(li);
  }
  empty.hidden = items.length > 0;
  form.hidden = items.length === 0;
}

async function build(form) {
  const data = new FormData(form);
  const caption = {};
  for (const field of ['respondent', 'aNumber', 'court', 'judge', 'nextHearing']) {
    const value = String(data.get(field) || '').trim();
    if (value) caption[field] = value;
  }
  const format = String(data.get('format') || 'pdf');
  const status = form.querySelector('[data-cart-status]');
  status.textContent = 'Building…';
  const response = await fetch('/api/exhibits', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      exhibits: exhibitsOf(load()),
      caption,
      certificateOfService: data.get('certificate') === 'on',
      format,
    }),
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    status.textContent = `${problem.title || 'Failed'}: ${problem.detail || response.statusText}`;
    return;
  }
  const blob = await response.blob();
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') || '')?.[1] || 'exhibits';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  status.textContent = `Downloaded ${name}.`;
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-cart-add]') : null;
  if (target instanceof HTMLElement) {
    event.preventDefault();
    toggle(target);
  }
});

document.addEventListener('DOMContentLoaded', () => {
  renderCount(load());
  const root = document.querySelector('[data-cart]');
  if (!root) return;
  renderCart(root);
  root.querySelector('form').addEventListener('submit', (event) => {
    event.preventDefault();
    void build(event.target);
  });
});
