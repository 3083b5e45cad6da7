// The Assets page's upload: files chosen with the picker or dropped on the
// zone go one request each to POST /console/upload, so each has its own
// progress bar (xhr.upload.onprogress; fetch reports no upload progress).
// The first request starts an upload job, the next ones add to it, and a last
// empty one ends it; then the grid is fetched again and keeps refreshing
// itself until the job has made the assets.

/** @param {HTMLElement} zone the element with data-console="upload" */
export function attach(zone) {
  const input = zone.querySelector('input[type=file]');
  let busy = false;
  const start = async (files) => {
    if (busy || files.length === 0) return;
    busy = true;
    try {
      await uploadAll(zone, files);
    } finally {
      busy = false;
    }
  };
  input.addEventListener('change', () => {
    const files = [...input.files];
    input.value = '';
    start(files);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    start([...(event.dataTransfer?.files ?? [])]);
  });
}

async function uploadAll(zone, files) {
  const list = zone.querySelector('ul.uploads');
  const total = zone.querySelector('progress.total');
  const totalLabel = zone.querySelector('.total-label');
  const status = zone.querySelector('.upload-status');
  const csrf = csrfToken(zone);
  list.replaceChildren();
  status.textContent = '';
  total.value = 0;
  total.hidden = false;
  totalLabel.hidden = false;

  const rows = files.map((file, index) => row(list, file, index));
  const sizes = files.map((file) => Math.max(file.size, 1));
  const sent = files.map(() => 0);
  const all = sizes.reduce((a, b) => a + b, 0);
  const showTotal = () => {
    total.value = Math.round((100 * sent.reduce((a, b) => a + b, 0)) / all);
  };

  let jobHandle;
  let done = 0;
  // One after another: the first reply names the job the others join.
  for (const [index, file] of files.entries()) {
    const { progress, text } = rows[index];
    const reply = await post(zone, csrf, jobHandle, file, (loaded) => {
      sent[index] = Math.min(loaded, sizes[index]);
      progress.value = Math.round((100 * sent[index]) / sizes[index]);
      showTotal();
    });
    sent[index] = sizes[index];
    progress.value = 100;
    showTotal();
    if (reply.ok && !reply.body.rejectedReason) {
      done += 1;
      jobHandle = reply.body.jobHandle;
      text.textContent = fill(zone.dataset.textDone, { name: reply.body.name ?? file.name });
    } else {
      if (reply.body.jobHandle) jobHandle = reply.body.jobHandle;
      const message = reply.body.rejectedReason ?? reply.body.reason ?? `HTTP ${reply.status}`;
      text.textContent = fill(zone.dataset.textFailed, { name: file.name, message });
      text.classList.add('error');
    }
  }
  if (jobHandle) await post(zone, csrf, jobHandle, undefined, () => undefined);
  status.textContent = fill(zone.dataset.textEnded, { done, count: files.length });
  refreshGrid(zone, jobHandle);
}

function row(list, file, index) {
  const item = document.createElement('li');
  const label = document.createElement('label');
  const progress = document.createElement('progress');
  const text = document.createElement('span');
  progress.id = `upload-file-${index}`;
  progress.max = 100;
  progress.value = 0;
  label.htmlFor = progress.id;
  label.textContent = file.name;
  text.className = 'message';
  item.append(label, progress, text);
  list.append(item);
  return { progress, text };
}

/** One request: a file (or none, to end the job), resolved with the JSON reply whatever its status. */
function post(zone, csrf, jobHandle, file, onProgress) {
  const url = new URL(zone.dataset.uploadUrl, location.href);
  if (jobHandle) url.searchParams.set('job', jobHandle);
  if (!file) url.searchParams.set('end', '1');
  const form = new FormData();
  if (file) form.append('file', file, file.name);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    // A reply that is not the upload's JSON (an expired session's sign-in page) is a failure too.
    xhr.onload = () => {
      const body = xhr.response ?? {};
      resolve({ ok: xhr.status === 200 && typeof body.jobHandle === 'string', status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ ok: false, status: 0, body: {} });
    xhr.send(form);
  });
}

/** The token the page carries: the zone's data-csrf, else the one htmx sends (hx-headers on <body>). */
function csrfToken(zone) {
  if (zone.dataset.csrf) return zone.dataset.csrf;
  return JSON.parse(document.body.getAttribute('hx-headers') ?? '{}')['X-CSRF-Token'] ?? '';
}

function refreshGrid(zone, jobHandle) {
  const url = new URL(zone.dataset.grid, location.href);
  if (jobHandle) url.searchParams.set('job', jobHandle);
  if (window.htmx) window.htmx.ajax('GET', `${url.pathname}${url.search}`, { target: '#asset-grid', swap: 'outerHTML' });
  else location.reload();
}

function fill(template, values) {
  return (template ?? '').replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
