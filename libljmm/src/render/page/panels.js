// The text beside the map: a region's details (hover or selection), the tooltip, the findings and
// the list of every region, which is also the map's text alternative and keyboard route.

const LIST_CHUNK = 512;

function segmentText(segment) {
  return `${segment.id} ${segment.name}`;
}

function findingsNaming(layout, index) {
  return layout.findings.filter((f) => f.target && f.target.regions.includes(index));
}

function regionDetailsHtml(layout, index, address) {
  const f = regionFacts(layout, index);
  const pages = Math.round(f.size / layout.pageSize);
  const rows = [
    ['Range', `<code>${f.startHex} – ${f.endHex}</code>`],
    ['Size', `${formatSize(f.size)} (${pages.toLocaleString('en')} page${pages === 1 ? '' : 's'})`],
    ['Permissions', `<code>${escapeHtml(f.perms)}</code> ${permsInWords(f.perms)}`],
    ['Segment', `<span class="sw seg-${f.segment.id}"></span>${segmentText(f.segment)}`],
    ['Type', escapeHtml(f.type)],
    ['Path', f.path ? `<code>${escapeHtml(f.path)}</code>` : '(none: anonymous memory)'],
  ];
  if (f.rss !== undefined) rows.push(['RSS / PSS / Swap', `${formatSize(f.rss)} / ${formatSize(f.pss)} / ${formatSize(f.swap)}`]);
  const b = layout.blocker;
  if (b && address !== undefined && address >= b.start && address < b.end)
    rows.push(['Here', `<strong>the mapping that blocks the break</strong>: ${formatSize(b.end - b.start)} at ${hexOf(b.start)}`]);
  const named = findingsNaming(layout, index);
  if (named.length) rows.push(['Findings', named.map((x) => `${x.id} (${x.severity})`).join(', ')]);
  return `<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function gapDetailsHtml(gap) {
  const segment = segmentInfo(gap.segment);
  return `<dl><dt>Free gap</dt><dd><code>${hexOf(gap.start)} – ${hexOf(gap.end)}</code></dd>` +
    `<dt>Size</dt><dd>${formatSize(gap.end - gap.start)}</dd>` +
    `<dt>Segment</dt><dd><span class="sw seg-${segment.id}"></span>${segmentText(segment)} (free)</dd></dl>`;
}

// One line for the tooltip: what a person needs while moving the pointer.
function tooltipHtml(hit) {
  if (hit.index < 0) return hit.gap ? `free: ${formatSize(hit.gap.end - hit.gap.start)} at ${hexOf(hit.gap.start)}` : '';
  const f = regionFacts(hit.layout, hit.index);
  let text = `<code>${f.startHex} – ${f.endHex}</code><br>${formatSize(f.size)} · ${escapeHtml(f.perms)} · ` +
    `${segmentText(f.segment)} · ${escapeHtml(f.type)}${f.path ? `<br><code>${escapeHtml(f.path)}</code>` : ''}`;
  if (f.rss !== undefined) text += `<br>RSS ${formatSize(f.rss)} · PSS ${formatSize(f.pss)}`;
  const b = hit.layout.blocker;
  if (b && hit.address >= b.start && hit.address < b.end) text += '<br><strong>brk blocker</strong>';
  return text;
}

function showTooltip(tooltip, hit, event) {
  const html = hit ? tooltipHtml(hit) : '';
  if (!html) {
    tooltip.hidden = true;
    return;
  }
  tooltip.innerHTML = html;
  tooltip.hidden = false;
  const box = tooltip.parentElement.getBoundingClientRect();
  const x = event.clientX - box.left, y = event.clientY - box.top;
  tooltip.style.left = `${Math.max(0, Math.min(box.width - tooltip.offsetWidth, x + 14))}px`;
  tooltip.style.top = `${y + 18}px`;
}

function findingHtml(f, i) {
  const metrics = Object.entries(f.metrics).map(([k, v]) => `${k} ${formatMetric(v, f.units[k])}`).join(', ');
  const more = [f.explanation && `<p><b>Why:</b> ${escapeHtml(f.explanation)}</p>`,
    f.fix && `<p><b>Fix:</b> ${escapeHtml(f.fix)}</p>`, metrics && `<p class="metrics">${escapeHtml(metrics)}</p>`]
    .filter(Boolean).join('');
  const zoom = f.target ? ' title="Show on the map"' : ' aria-disabled="true"';
  return `<li class="finding sev-${f.severity}"><button type="button" class="finding-button" data-f="${i}"${zoom}>` +
    `<span class="sev">${f.severity}</span> <b>${escapeHtml(f.id)}</b> <span>${escapeHtml(f.summary)}</span></button>` +
    (more ? `<details><summary>why, fix, numbers</summary>${more}</details>` : '') + '</li>';
}

// The findings list; show(layout) fills it with a layout's (again for each frame of a recording).
function findingList(list, onPick) {
  let layout = null;
  list.addEventListener('click', (event) => {
    const button = event.target.closest('.finding-button');
    if (button && layout) onPick(layout.findings[Number(button.dataset.f)]);
  });
  return {
    show: (next) => {
      layout = next;
      list.innerHTML = layout.findings.length ? layout.findings.map(findingHtml).join('') : '<li>No findings.</li>';
    },
  };
}

function regionItemHtml(layout, i, extra) {
  const r = layout.raw.regions[i], segment = segmentInfo(r[R_SEGMENT]);
  const path = layout.raw.paths[r[R_PATH]];
  return `<div role="listitem" class="ri seg-${segment.id}" tabindex="-1" data-i="${i}" data-start="${r[R_START]}" ` +
    `data-segment="${segment.id}"${extra}><code>${r[R_START]}</code> ${formatSize(r[R_SIZE])} ${r[R_PERMS]} ` +
    `${segment.id} ${escapeHtml(layout.raw.types[r[R_TYPE]])}${path ? ' ' + escapeHtml(path) : ''}</div>`;
}

// Every region, in chunks the browser lays out only when they scroll into view; show(layout)
// lists a layout's (again for each frame of a recording). `extra(i)` adds attributes (a diff's
// change marks).
function regionList(box, extra, onFocus, onPick) {
  let layout = null;
  const indexOf = (event) => {
    const item = event.target.closest('.ri');
    return item ? Number(item.dataset.i) : -1;
  };
  box.addEventListener('mouseover', (event) => { const i = indexOf(event); if (i >= 0) onFocus(i); });
  box.addEventListener('focusin', (event) => { const i = indexOf(event); if (i >= 0) onFocus(i); });
  box.addEventListener('click', (event) => { const i = indexOf(event); if (i >= 0) onPick(i); });
  box.addEventListener('keydown', (event) => {
    const i = indexOf(event);
    if (i < 0) return;
    const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: layout.n - 1 }[event.key];
    if (next !== undefined) {
      event.preventDefault();
      focusRegionItem(box, Math.max(0, Math.min(layout.n - 1, next)));
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onPick(i);
    }
  });
  return {
    show: (next) => {
      layout = next;
      const parts = [];
      for (let from = 0; from < layout.n; from += LIST_CHUNK) {
        const to = Math.min(layout.n, from + LIST_CHUNK);
        let html = `<div class="chunk" style="contain-intrinsic-size: auto ${(to - from) * 20}px">`;
        for (let i = from; i < to; i++) html += regionItemHtml(layout, i, extra ? extra(i) : '');
        parts.push(html + '</div>');
      }
      box.innerHTML = parts.join('');
      const first = box.querySelector('.ri');
      if (first) first.tabIndex = 0;
    },
  };
}

// Roving focus: one item of the list is in the tab order, the one last visited.
function focusRegionItem(box, index) {
  const item = box.querySelector(`.ri[data-i="${index}"]`);
  if (!item) return;
  const current = box.querySelector('.ri[tabindex="0"]');
  if (current) current.tabIndex = -1;
  item.tabIndex = 0;
  item.focus({ preventScroll: true });
  const top = item.offsetTop - box.offsetTop;
  if (top < box.scrollTop || top + item.offsetHeight > box.scrollTop + box.clientHeight)
    box.scrollTop = top - box.clientHeight / 2;
}

// Segment colours as CSS classes, from the data: the page spells no colour of its own.
function installSegmentStyles() {
  const style = document.createElement('style');
  style.textContent = DATA.segments.map((s) => `.seg-${s.id} { --seg: ${s.colour}; }`).join('\n') +
    `\n:root { --fallback: ${DATA.colours.fallback}; --fallback-pale: ${DATA.colours.fallback_pale}; ` +
    `--blocker: ${DATA.colours.blocker}; --info: ${DATA.colours.info}; --warning: ${DATA.colours.warning}; ` +
    `--error: ${DATA.colours.error}; --free: ${FREE_COLOUR}; --largest: ${LARGEST_COLOUR}; }`;
  document.head.appendChild(style);
}

function legendHtml(layout) {
  const totals = layout.raw.totals;
  const items = DATA.segments.map((s, i) => `<li><span class="sw seg-${s.id}"></span>${segmentText(s)}: ` +
    `${totals[i].regions} region${totals[i].regions === 1 ? '' : 's'}, ${formatSize(totals[i].bytes)} mapped</li>`);
  items.push('<li><span class="sw pale seg-s6"></span>pale: free space of that segment</li>');
  items.push('<li><span class="sw faded seg-s6"></span>faded: reserved, no access (<code>---p</code>)</li>');
  items.push('<li><span class="sw fallback"></span>red hatching: malloc fallback memory</li>');
  if (layout.blocker) items.push('<li><span class="sw blocker"></span>black: the mapping that blocks the break</li>');
  return `<ul class="legend">${items.join('')}</ul>`;
}
