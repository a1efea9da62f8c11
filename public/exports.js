/* global document, window, fetch */
// The exports page (/exports): keeps the progress of unfinished exports current by asking
// GET /api/v1/exports/{id} (the session cookie authenticates it), and says politely what changed
// through #export-announcer. Progressive enhancement: without it, "Refresh the list" does the same.
'use strict';

(function followExports() {
  const announcer = document.getElementById('export-announcer');
  const POLL_MS = 1000;
  const LABELS = { queued: 'Queued', running: 'Running', done: 'Done', failed: 'Failed' };
  const unfinished = () => Array.from(document.querySelectorAll('tr[data-export-id]'))
    .filter((row) => row.dataset.exportStatus === 'queued' || row.dataset.exportStatus === 'running');
  if (!announcer || unfinished().length === 0) return;

  // What was last announced per export: its status and progress in steps of 25%, so a screen reader
  // hears a few updates, not one a second.
  const spoken = new Map();
  const say = (text) => { announcer.textContent = text; };

  function sizeLabel(bytes) {
    if (bytes < 1000) return bytes + ' bytes';
    const units = ['KB', 'MB', 'GB', 'TB'];
    let n = bytes;
    let i = -1;
    do { n /= 1000; i += 1; } while (n >= 1000 && i < units.length - 1);
    return n.toFixed(n < 10 ? 1 : 0) + ' ' + units[i];
  }

  function update(row, e) {
    const field = (name) => row.querySelector('[data-export-field="' + name + '"]');
    const name = row.dataset.exportName;
    row.dataset.exportStatus = e.status;
    field('status').textContent = LABELS[e.status] || e.status;
    const bar = row.querySelector('progress');
    if (bar) { bar.value = e.progress; bar.textContent = e.progress + '%'; }
    field('percent').textContent = e.progress + '%';
    const download = field('download');
    if (e.status === 'done' && e.downloadUrl && !download.querySelector('a')) {
      const link = document.createElement('a');
      link.className = 'usa-link';
      link.href = e.downloadUrl;
      link.setAttribute('download', '');
      link.append('Download');
      const hidden = document.createElement('span');
      hidden.className = 'usa-sr-only';
      hidden.textContent = ' the ' + name.replace(/ \((\w+)\)$/, ' $1') + ' export';
      link.append(hidden, ' (ZIP, ' + sizeLabel(e.bytes) + ')');
      download.replaceChildren(link);
    } else if (e.status === 'failed') {
      download.textContent = 'Not available';
      const cell = field('status');
      if (e.error && !field('error')) {
        const why = document.createElement('span');
        why.className = 'usa-hint';
        why.dataset.exportField = 'error';
        why.textContent = e.error.message + ' (' + e.error.code + ')';
        cell.append(document.createElement('br'), why);
      }
    }
    const step = e.status + ':' + (e.status === 'running' ? Math.floor(e.progress / 25) : '');
    if (spoken.get(e.id) !== step) {
      spoken.set(e.id, step);
      if (e.status === 'done') say('Export of ' + name + ' is done. The download link is in the list.');
      else if (e.status === 'failed') say('Export of ' + name + ' failed: ' + (e.error ? e.error.message : 'see the list.'));
      else if (e.status === 'running') say('Export of ' + name + ': ' + e.progress + '% written.');
    }
  }

  async function poll() {
    const rows = unfinished();
    for (const row of rows) {
      try {
        const res = await fetch('/api/v1/exports/' + encodeURIComponent(row.dataset.exportId), { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (res.ok) update(row, await res.json());
      } catch (_err) { /* the next poll tries again */ }
    }
    if (unfinished().length) window.setTimeout(poll, POLL_MS);
  }
  window.setTimeout(poll, POLL_MS);
})();
