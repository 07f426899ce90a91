// The parts every page is made of: the map with its toolbar, the details and findings beside it,
// the low windows and the region lists below, wired together.

function layoutViewHtml(config) {
  const lists = config.lists.map((l, i) => `<h3>${escapeHtml(l.title)}</h3>` +
    `<div class="region-list" role="list" data-list="${i}" aria-label="${escapeHtml(l.title)}"></div>`).join('');
  return `
<section class="map-panel" aria-label="Address space">
  <div class="toolbar" role="toolbar" aria-label="Zoom and pan">
    <button type="button" data-act="out" aria-label="Zoom out">−</button>
    <button type="button" data-act="in" aria-label="Zoom in">+</button>
    <button type="button" data-act="left" aria-label="Pan to lower addresses">←</button>
    <button type="button" data-act="right" aria-label="Pan to higher addresses">→</button>
    <button type="button" data-act="all">All</button>
    <span class="view-range" aria-live="polite"></span>
  </div>
  <div class="canvas-box"><canvas class="map" tabindex="0" role="img"></canvas><div class="tooltip" role="tooltip" hidden></div></div>
  ${config.belowMap || ''}
  <p class="note axis-note"></p>
  <p class="note">Keys on the map: ${escapeHtml(KEY_HELP)}. The wheel zooms, a drag pans; the strip on top is all of it.</p>
  ${config.legend}
</section>
<aside class="side">
  <section class="details"><h2>Details</h2><div class="details-body" aria-live="polite"></div></section>
  ${config.extraSide || ''}
  <section><h2>${escapeHtml(config.findingsTitle)}</h2><ol class="finding-list"></ol></section>
</aside>
${config.windows ? '<section class="windows-box"><h2>Low windows</h2><div class="windows"></div></section>' : ''}
<section class="regions-box"><h2>Regions</h2><p class="note">Every region, low to high: Tab into a list, ↑ ↓ to move, Enter to show it on the map.</p>${lists}</section>`;
}

// config: {tracks: [{layout, label}], windows, legend, findingsLayout, findingsTitle, lists: [{layout, track, title,
// extra}], marks, extraSide, belowMap}. With one track, show(layout) swaps the layout everything shows.
function mountLayoutView(root, config) {
  root.innerHTML = layoutViewHtml(config);
  const $ = (selector) => root.querySelector(selector);
  const details = $('.details-body'), tooltip = $('.tooltip'), range = $('.view-range'), canvas = $('canvas.map');
  const axis = config.axis || new Axis(config.tracks.map((t) => t.layout));
  $('.axis-note').textContent = axis.describe();
  const idle = 'Point at a region, or pick a finding.';
  details.textContent = idle;
  let map = null;
  const describe = (hit) => {
    if (!hit) { details.textContent = idle; return; }
    details.innerHTML = (config.tracks.length > 1 ? `<p><b>${escapeHtml(config.tracks[hit.track].label)}</b></p>` : '') +
      (hit.index >= 0 ? regionDetailsHtml(hit.layout, hit.index, hit.address) : hit.gap ? gapDetailsHtml(hit.gap) : idle);
  };
  map = new MapView(canvas, axis, config.tracks, {
    windows: config.windows,
    onHover: (hit, event) => {
      showTooltip(tooltip, hit, event);
      describe(hit || map.selected);
    },
    onSelect: (hit) => {
      describe(hit);
      const list = hit && root.querySelector(`.region-list[data-list="${config.lists.findIndex((l) => l.track === hit.track)}"]`);
      if (list) markCurrent(list, hit.index);
    },
    onView: (m) => { range.textContent = viewText(m); canvas.setAttribute('aria-label', `Address space map. ${viewText(m)}`); },
  });
  (config.marks || []).forEach((marks, i) => { map.tracks[i].marks = marks; });
  map.requestDraw();
  $('.toolbar').addEventListener('click', (event) => {
    const act = event.target.closest('button') && event.target.closest('button').dataset.act;
    const key = { out: '-', in: '+', left: 'ArrowLeft', right: 'ArrowRight', all: '0' }[act];
    if (key) handleKey(map, key, false);
  });
  const findings = findingList($('.finding-list'), (f) => showFinding(map, config, f, details));
  findings.show(config.findingsLayout);
  const lists = config.lists.map((l, i) => {
    const list = regionList(root.querySelector(`.region-list[data-list="${i}"]`), l.extra,
      (index) => { map.hover = { track: l.track, layout: map.tracks[l.track].layout, index }; map.requestDraw(); describe(map.hover); },
      (index) => select(map, { track: l.track, layout: map.tracks[l.track].layout, index }, true));
    list.show(l.layout);
    return list;
  });
  let windows = null;
  if (config.windows) {
    windows = windowPanel($('.windows'), (w) => {
      const start = parseInt(w.start, 16), end = parseInt(w.end, 16), largest = parseInt(w.largest_gap_start, 16);
      map.highlight = { track: 0, start: largest, end: largest + w.largest_gap, regions: [], colour: LARGEST_COLOUR };
      map.zoomToRange(start, end);
      details.innerHTML = `<p><b>${escapeHtml(w.id)}</b> ${escapeHtml(windowText(w))}</p>`;
    });
    windows.show(config.tracks[0].layout);
  }
  const show = (layout) => {
    config.tracks[0].layout = config.findingsLayout = config.lists[0].layout = layout;
    map.selected = map.hover = map.highlight = null;
    map.setLayout(0, layout);
    describe(null);
    findings.show(layout);
    lists[0].show(layout);
    config.lists[0].title = regionCount(layout);
    root.querySelector('.regions-box h3').textContent = config.lists[0].title;
    root.querySelector('.region-list').setAttribute('aria-label', config.lists[0].title);
    if (windows) windows.show(layout);
    $('.legend').outerHTML = legendHtml(layout);
  };
  return { map, show, resize: () => { map.resize(); if (windows) windows.draw(); } };
}

function regionCount(layout) {
  return `${layout.n.toLocaleString('en')} region${layout.n === 1 ? '' : 's'}`;
}

function showFinding(map, config, finding, details) {
  const track = config.tracks.findIndex((t) => t.layout === config.findingsLayout);
  details.innerHTML = `<p><b>${escapeHtml(finding.id)}</b> (${finding.severity}): ${escapeHtml(finding.summary)}</p>`;
  if (!finding.target) return;
  map.highlight = { track, ...finding.target, colour: DATA.colours[finding.severity] };
  map.zoomToRange(finding.target.start, finding.target.end);
}

function markCurrent(list, index) {
  const old = list.querySelector('.ri.current');
  if (old) old.classList.remove('current');
  const item = list.querySelector(`.ri[data-i="${index}"]`);
  if (!item) return;
  item.classList.add('current');
  const top = item.offsetTop - list.offsetTop;
  if (top < list.scrollTop || top > list.scrollTop + list.clientHeight - 20) list.scrollTop = top - list.clientHeight / 2;
}

function viewText(map) {
  const a = map.axis, v = map.view;
  const t = map.tracks[0];
  const count = firstRegionFrom(t, v.u1) - firstRegionFrom(t, v.u0);
  return `Showing ${hexOf(a.address(Math.max(0, v.u0)))} – ${hexOf(a.address(Math.min(a.total, v.u1)))}: ` +
    `${count.toLocaleString('en')} region${count === 1 ? '' : 's'} in view`;
}

function headerHtml(layout) {
  const lines = layout.raw.header;
  return `<h1>${escapeHtml(lines[0])}</h1><pre class="facts">${escapeHtml(lines.slice(1).join('\n'))}</pre>`;
}
