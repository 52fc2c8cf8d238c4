// CountryCite exhibit cart: passages are collected in this browser (localStorage) into exhibits (tabs), one
// per report unless the user moves passages between tabs, each with an optional claim element and summary
// for the annotated index; POST /api/exhibits builds the packet or its annotated index. Nothing leaves the
// browser until the user builds; the server keeps no cart.

const KEY = 'countrycite.exhibits';
const SUMMARY_MAX = 600;

/** The packet's tab letters (A, B, … AZ), as the page lists them in data-tabs. */
function tabLetter(index) {
  const letters = (document.querySelector('[data-cart]')?.dataset.tabs || '').split(' ');
  return letters[index] || `#${index + 1}`;
}

function newKey() {
  return `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** The cart: `{ exhibits: [{ key, claimElement, summary, passages: [{ id, documentId, title, cite, place, snippet }] }] }`. */
function load() {
  let stored;
  try {
    stored = JSON.parse(localStorage.getItem(KEY) || 'null');
  } catch {
    stored = null;
  }
  // Carts saved before exhibits could be arranged are a list of passages: one tab per report.
  if (Array.isArray(stored)) {
    const exhibits = [];
    for (const item of stored) {
      if (!item || typeof item.id !== 'string') continue;
      let exhibit = exhibits.find((e) => e.passages[0]?.documentId === item.documentId);
      if (!exhibit) {
        exhibit = { key: newKey(), claimElement: '', summary: '', passages: [] };
        exhibits.push(exhibit);
      }
      exhibit.passages.push(item);
    }
    return { exhibits };
  }
  if (!stored || !Array.isArray(stored.exhibits)) return { exhibits: [] };
  return {
    exhibits: stored.exhibits
      .filter((e) => e && Array.isArray(e.passages))
      .map((e) => ({
        key: String(e.key || newKey()),
        claimElement: String(e.claimElement || ''),
        summary: String(e.summary || ''),
        passages: e.passages.filter((p) => p && typeof p.id === 'string'),
      })),
  };
}

function save(cart) {
  cart.exhibits = cart.exhibits.filter((e) => e.passages.length > 0);
  localStorage.setItem(KEY, JSON.stringify(cart));
  renderCount(cart);
}

const passagesOf = (cart) => cart.exhibits.flatMap((e) => e.passages);

function renderCount(cart) {
  const items = passagesOf(cart);
  for (const el of document.querySelectorAll('[data-cart-count]')) el.textContent = String(items.length);
  for (const button of document.querySelectorAll('[data-cart-add]')) {
    const inCart = items.some((i) => i.id === button.dataset.id);
    button.setAttribute('aria-pressed', String(inCart));
    const label = button.querySelector('.label');
    if (label) label.textContent = inCart ? 'In exhibits' : 'Add to exhibits';
  }
}

function removePassage(cart, id) {
  for (const exhibit of cart.exhibits) exhibit.passages = exhibit.passages.filter((p) => p.id !== id);
}

/** Adds the passage to the tab already holding its report, or to a new tab; removes it when it is there. */
function toggle(button) {
  const cart = load();
  const { id, document: documentId } = button.dataset;
  if (passagesOf(cart).some((p) => p.id === id)) {
    removePassage(cart, id);
  } else {
    const passage = {
      id,
      documentId,
      title: button.dataset.title,
      cite: button.dataset.cite,
      place: button.dataset.place || '',
      snippet: button.dataset.snippet || '',
    };
    let exhibit = cart.exhibits.find((e) => e.passages.some((p) => p.documentId === documentId));
    if (!exhibit) {
      exhibit = { key: newKey(), claimElement: '', summary: '', passages: [] };
      cart.exhibits.push(exhibit);
    }
    exhibit.passages.push(passage);
  }
  save(cart);
}

function element(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
}

/** A text field of one exhibit, saved as it is typed. */
function exhibitField(exhibit, name, label, control) {
  control.name = name;
  control.value = exhibit[name];
  control.dataset.cartField = name;
  control.addEventListener('input', () => {
    const cart = load();
    const stored = cart.exhibits.find((e) => e.key === exhibit.key);
    if (stored) stored[name] = control.value;
    save(cart);
  });
  return element('label', {}, [label, ' ', control]);
}

function moveSelect(root, cart, index, passage) {
  const select = element('select', { className: 'move' });
  select.dataset.cartMove = '';
  select.setAttribute('aria-label', `Tab for ${passage.cite}`);
  cart.exhibits.forEach((exhibit, i) => {
    select.append(
      element('option', { value: exhibit.key, textContent: `Tab ${tabLetter(i)}`, selected: i === index }),
    );
  });
  select.append(element('option', { value: '', textContent: 'New tab' }));
  select.addEventListener('change', () => {
    const current = load();
    const moving = passagesOf(current).find((p) => p.id === passage.id);
    if (!moving) return;
    removePassage(current, passage.id);
    let target = current.exhibits.find((e) => e.key === select.value);
    if (!target) {
      target = { key: newKey(), claimElement: '', summary: '', passages: [] };
      current.exhibits.push(target);
    }
    target.passages.push(moving);
    save(current);
    renderCart(root);
  });
  return select;
}

function renderPassage(root, cart, index, passage) {
  const remove = element('button', { type: 'button', className: 'secondary', textContent: 'Remove' });
  remove.addEventListener('click', () => {
    const current = load();
    removePassage(current, passage.id);
    save(current);
    renderCart(root);
  });
  const li = element('li', {}, [
    element('span', { className: 'cite', textContent: passage.cite }),
    ' ',
    element('span', { className: 'place', textContent: passage.place || '' }),
    element('q', { className: 'snippet', textContent: passage.snippet || '' }),
    element('span', { className: 'controls' }, [moveSelect(root, cart, index, passage), ' ', remove]),
  ]);
  li.dataset.cartItem = passage.id;
  return li;
}

function renderCart(root) {
  const cart = load();
  const list = root.querySelector('[data-cart-list]');
  const empty = root.querySelector('[data-cart-empty]');
  const form = root.querySelector('form');
  list.replaceChildren();
  cart.exhibits.forEach((exhibit, index) => {
    const claim = element('input', { placeholder: 'e.g. Nexus', autocomplete: 'off' });
    claim.setAttribute('list', 'cart-elements');
    const summary = element('textarea', { rows: 2, maxLength: SUMMARY_MAX });
    summary.placeholder = 'One line for the annotated index; default: the first cited sentence';
    const li = element('li', { className: 'cart-exhibit' }, [
      element('h2', { textContent: `Tab ${tabLetter(index)}` }),
      exhibitField(exhibit, 'claimElement', 'Claim element', claim),
      exhibitField(exhibit, 'summary', 'Summary', summary),
      element(
        'ul',
        { className: 'cart-passages' },
        exhibit.passages.map((p) => renderPassage(root, cart, index, p)),
      ),
    ]);
    li.dataset.cartExhibit = tabLetter(index);
    list.append(li);
  });
  empty.hidden = cart.exhibits.length > 0;
  form.hidden = cart.exhibits.length === 0;
}

function text(data, field) {
  return String(data.get(field) || '').trim();
}

/** The form fields filled in, under the names the API gives them: `names` is [[apiField, formField], …]. */
function filled(data, names) {
  const out = {};
  for (const [field, name] of names) {
    const value = text(data, name);
    if (value) out[field] = value;
  }
  return out;
}

async function build(form) {
  const data = new FormData(form);
  const caption = filled(
    data,
    ['respondent', 'aNumber', 'court', 'judge', 'nextHearing'].map((f) => [f, f]),
  );
  const filer = filled(data, [
    ['name', 'filerName'],
    ['firm', 'filerFirm'],
    ['address', 'filerAddress'],
    ['phone', 'filerPhone'],
    ['email', 'filerEmail'],
    ['eoirId', 'filerEoirId'],
  ]);
  if (Object.keys(filer).length) caption.filer = filer;
  const exhibits = load().exhibits.map((e) => ({
    passages: e.passages.map((p) => p.id),
    ...(e.claimElement.trim() ? { claimElement: e.claimElement.trim() } : {}),
    ...(e.summary.trim() ? { summary: e.summary.trim() } : {}),
  }));
  const service = filled(data, [
    ['servedOn', 'servedOn'],
    ['address', 'serviceAddress'],
    ['date', 'serviceDate'],
    ['method', 'serviceMethod'],
  ]);
  const certificate = data.get('certificate') === 'on' && (Object.keys(service).length ? service : true);
  const format = text(data, 'format') || 'pdf';
  const status = form.querySelector('[data-cart-status]');
  status.textContent = 'Building…';
  const response = await fetch('/api/exhibits', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      exhibits,
      caption,
      certificateOfService: certificate,
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
