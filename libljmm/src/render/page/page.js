// The page itself: what DATA.kind asks for (a snapshot, a diff, a host, a recording: recording.js),
// and window.ljmm, the handle scripts and the browser tests use to ask where things are on the
// screen (and, on a recording page, which frame is shown).

let current = null;

function snapshotPage(app) {
  const layout = prepareLayout(DATA.layouts[0], 'snapshot');
  app.innerHTML = `<header class="top">${headerHtml(layout)}</header><main class="layout-view"></main>`;
  current = mountLayoutView(app.querySelector('main'), {
    tracks: [{ layout, label: '' }], windows: true, legend: legendHtml(layout), findingsLayout: layout,
    findingsTitle: 'Findings, worst first', lists: [{ layout, track: 0, title: `${layout.n.toLocaleString('en')} regions` }],
  });
}

function diffPage(app) {
  const before = prepareLayout(DATA.layouts[0], 'before'), after = prepareLayout(DATA.layouts[1], 'after');
  const marks = [new Map(), new Map()];
  for (const [kind, beforeStart, afterStart] of DATA.diff.changes) {
    if (beforeStart !== null && before.byStart.has(beforeStart)) marks[0].set(before.byStart.get(beforeStart), kind);
    if (afterStart !== null && after.byStart.has(afterStart)) marks[1].set(after.byStart.get(afterStart), kind);
  }
  const changeAttr = (m) => (i) => (m.has(i) ? ` data-change="${m.get(i)}"` : '');
  app.innerHTML = `<header class="top"><h1>${escapeHtml(DATA.title)}</h1>` +
    `<details><summary>The diff as text</summary><pre class="facts">${escapeHtml(DATA.diff.text)}</pre></details></header>` +
    '<main class="layout-view"></main>';
  current = mountLayoutView(app.querySelector('main'), {
    tracks: [{ layout: before, label: 'before' }, { layout: after, label: 'after' }], windows: false,
    legend: legendHtml(after) + changeLegendHtml(), findingsLayout: after, findingsTitle: 'Findings after',
    extraSide: changeListHtml(), marks,
    lists: [{ layout: before, track: 0, title: `Before: ${before.n} regions`, extra: changeAttr(marks[0]) },
      { layout: after, track: 1, title: `After: ${after.n} regions`, extra: changeAttr(marks[1]) }],
  });
  app.querySelector('.change-list').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-c]');
    if (!button) return;
    const [, beforeStart, afterStart] = DATA.diff.changes[Number(button.dataset.c)];
    const layout = afterStart !== null ? after : before, track = afterStart !== null ? 1 : 0;
    const index = layout.byStart.get(afterStart !== null ? afterStart : beforeStart);
    if (index === undefined) return;
    select(current.map, { track, layout, index }, false);
    zoomToRegion(current.map, current.map.selected);
  });
}

function changeLegendHtml() {
  return '<ul class="legend">' + Object.entries(CHANGE_STYLE).map(([kind, s]) =>
    `<li><span class="sw" style="outline: 2px solid ${s.colour}"></span>${s.symbol} ${s.words}</li>`).join('') + '</ul>';
}

function changeListHtml() {
  const d = DATA.diff;
  const findings = (d.appeared.length ? `<p>Findings appeared: ${d.appeared.map(escapeHtml).join(', ')}</p>` : '') +
    (d.disappeared.length ? `<p>Findings disappeared: ${d.disappeared.map(escapeHtml).join(', ')}</p>` : '');
  const items = d.changes.map(([kind, beforeStart, afterStart, segment], i) => {
    const s = CHANGE_STYLE[kind], at = afterStart !== null ? afterStart : beforeStart;
    return `<li><button type="button" data-c="${i}" data-change="${kind}" data-at="${at}" ` +
      `style="border-left: 4px solid ${s.colour}">${s.symbol} ${s.words} <code>${at}</code> ${segmentInfo(segment).id}</button></li>`;
  });
  return `<section class="changes"><h2>Changes (${d.changes.length})</h2>${findings}<ol class="change-list">${items.join('')}</ol></section>`;
}

function hostPage(app) {
  const host = DATA.host;
  const head = host.columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const rows = host.rows.map((row, i) => `<tr class="sev-${row.severity}">` + row.cells.map((cell, c) => c === 0
    ? `<td><button type="button" data-row="${i}" aria-label="Show the layout of pid ${escapeHtml(cell)}">${escapeHtml(cell)}</button></td>`
    : `<td>${escapeHtml(cell)}</td>`).join('') + '</tr>').join('');
  app.innerHTML = `<header class="top"><h1>${escapeHtml(DATA.title)}, worst first</h1>` +
    `<p class="note">${escapeHtml(host.coverage)}</p><div class="table-box"><table class="host">` +
    `<thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div></header>` +
    '<div class="process"></div>';
  const open = (i) => {
    const layout = prepareLayout(DATA.layouts[i], `pid ${DATA.layouts[i].pid}`);
    const box = app.querySelector('.process');
    box.innerHTML = `<div class="top">${headerHtml(layout)}</div><main class="layout-view"></main>`;
    current = mountLayoutView(box.querySelector('main'), {
      tracks: [{ layout, label: '' }], windows: true, legend: legendHtml(layout), findingsLayout: layout,
      findingsTitle: 'Findings, worst first', lists: [{ layout, track: 0, title: `${layout.n} regions` }],
    });
    app.querySelectorAll('tr.open').forEach((tr) => tr.classList.remove('open'));
    app.querySelectorAll('tbody tr')[i].classList.add('open');
  };
  app.querySelector('table.host').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-row]');
    if (!button) return;
    open(Number(button.dataset.row));
    app.querySelector('.process').scrollIntoView({ block: 'start' });
  });
  if (host.rows.length) open(0);
}

function boot() {
  installSegmentStyles();
  const app = document.getElementById('app');
  const pages = { snapshot: snapshotPage, diff: diffPage, host: hostPage, recording: (a) => { current = recordingPage(a); } };
  if (!pages[DATA.kind]) {
    app.textContent = `This page holds a "${DATA.kind}" view, which this page's script does not know.`;
    return;
  }
  pages[DATA.kind](app);
  let resizing = null;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(() => current && current.resize());
  });
  window.ljmm = {
    map: () => current && current.map,
    // Where [startHex, endHex) of a track is on the screen, or null when out of view.
    rangeBox: (startHex, endHex, track) => current.map.rangeBox(parseInt(startHex, 16), parseInt(endHex, 16), track),
    idle: () => !current || (current.map.idle() && !(current.busy && current.busy())),
    ...(current && current.api),
  };
  window.ljmmReadyMs = performance.now();
  document.documentElement.dataset.ready = 'true';
}

boot();
