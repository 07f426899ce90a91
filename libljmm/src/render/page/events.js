// The recording's events as ljmm-trace prints them (time, process and thread, call, arguments,
// result) with the code that made the call, filtered by process, call and call site. A click or
// Enter on one shows the layout right after it; the event of the frame shown is marked.

const E_TIME = 0, E_PID = 1, E_TID = 2, E_COMM = 3, E_CALL = 4, E_ARGS = 5, E_RESULT = 6, E_SITE = 7, E_FAILED = 8;
const NO_SITE = 'none';  // the call site filter's value for events without one

function eventListHtml(events) {
  const processes = new Map();
  for (const row of events.rows) if (!processes.has(row[E_PID])) processes.set(row[E_PID], events.comms[row[E_COMM]]);
  const options = (pairs) => pairs.map(([value, text]) => `<option value="${escapeHtml(value)}">${escapeHtml(text)}</option>`).join('');
  const sites = events.sites.map((s, i) => [String(i), s]).sort((a, b) => (a[1] < b[1] ? -1 : 1));
  return `<section class="events-box" aria-labelledby="events-title"><h2 id="events-title">Events</h2>
  <div class="filters" role="group" aria-label="Filter the events">
    <label>Process <select data-filter="pid">${options([['', 'all'], ...[...processes].map(([pid, comm]) => [String(pid), `${pid} (${comm})`])])}</select></label>
    <label>Call <select data-filter="call">${options([['', 'all'], ...events.calls.map((c, i) => [String(i), c])])}</select></label>
    <label>Call site <select data-filter="site">${options([['', 'all'], ...sites, [NO_SITE, '(not known)']])}</select></label>
    <span class="event-count" aria-live="polite"></span>
  </div>
  <p class="note">Click an event, or Tab into the list, ↑ ↓ and Enter, to show the layout right after it. The call site
  is the code that called the system call's wrapper, named from the files on this machine where it can be.</p>
  <div class="event-list" role="list" aria-label="Events"></div></section>`;
}

function eventRowHtml(events, i) {
  const e = events.rows[i], call = events.calls[e[E_CALL]], site = e[E_SITE] >= 0 ? events.sites[e[E_SITE]] : '';
  return `<div role="listitem" class="ev${e[E_FAILED] ? ' failed' : ''}" tabindex="-1" data-e="${i}" data-pid="${e[E_PID]}" ` +
    `data-call="${escapeHtml(call)}" data-time="${e[E_TIME]}"><span class="t">${(e[E_TIME] / 1e9).toFixed(6)}</span> ` +
    `<span class="who">${e[E_PID]}/${e[E_TID]} ${escapeHtml(events.comms[e[E_COMM]])}</span> ` +
    `<span class="call"><b>${escapeHtml(call)}</b>(${escapeHtml(e[E_ARGS])})</span> = ` +
    `<span class="res">${escapeHtml(e[E_RESULT])}${e[E_FAILED] ? ' (failed)' : ''}</span>` +
    (site ? ` <span class="site">from ${escapeHtml(site)}</span>` : '') + '</div>';
}

// box: the section eventListHtml made. onPick(i) shows the layout after event i. Returns
// mark(i), which marks event i as the one the frame shown comes from.
function eventList(box, events, onPick) {
  const list = box.querySelector('.event-list'), count = box.querySelector('.event-count');
  const filters = [...box.querySelectorAll('select[data-filter]')];
  const matches = (e, filter, value) => value === '' ||
    (filter === 'pid' ? e[E_PID] === Number(value) : filter === 'call' ? e[E_CALL] === Number(value)
      : value === NO_SITE ? e[E_SITE] < 0 : e[E_SITE] === Number(value));
  let marked = -1;
  const fill = () => {
    const chosen = filters.map((s) => [s.dataset.filter, s.value]);
    const shown = [];
    for (let i = 0; i < events.rows.length; i++)
      if (chosen.every(([filter, value]) => matches(events.rows[i], filter, value))) shown.push(i);
    const parts = [];
    for (let from = 0; from < shown.length; from += LIST_CHUNK) {
      const to = Math.min(shown.length, from + LIST_CHUNK);
      let html = `<div class="chunk" style="contain-intrinsic-size: auto ${(to - from) * 20}px">`;
      for (let k = from; k < to; k++) html += eventRowHtml(events, shown[k]);
      parts.push(html + '</div>');
    }
    list.innerHTML = parts.join('') || '<p class="note">No event matches.</p>';
    count.textContent = `Showing ${shown.length.toLocaleString('en')} of ${events.rows.length.toLocaleString('en')} events`;
    const first = list.querySelector('.ev');
    if (first) first.tabIndex = 0;
    mark(marked);
  };
  const mark = (i) => {
    marked = i;
    const old = list.querySelector('.ev.current');
    if (old) old.classList.remove('current');
    const item = i >= 0 && list.querySelector(`.ev[data-e="${i}"]`);
    if (!item) return;
    item.classList.add('current');
    item.parentElement.style.contentVisibility = 'visible';  // a skipped chunk has no positions to scroll to
    const top = item.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 20) list.scrollTop = top - list.clientHeight / 2;
  };
  const indexOf = (event) => {
    const item = event.target.closest('.ev');
    return item ? Number(item.dataset.e) : -1;
  };
  filters.forEach((s) => s.addEventListener('change', fill));
  list.addEventListener('click', (event) => { const i = indexOf(event); if (i >= 0) onPick(i); });
  list.addEventListener('keydown', (event) => {
    const item = event.target.closest('.ev');
    if (!item) return;
    const next = { ArrowDown: item.nextElementSibling || (item.parentElement.nextElementSibling || {}).firstElementChild,
      ArrowUp: item.previousElementSibling || (item.parentElement.previousElementSibling || {}).lastElementChild }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      if (!next) return;
      item.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onPick(Number(item.dataset.e));
    }
  });
  fill();
  return { mark };
}
