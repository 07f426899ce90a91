// What moves the map: the wheel zooms around the pointer (a sideways wheel pans), a drag pans, a
// click selects, keys do both for the keyboard; on the overview strip a click or drag moves the view.

const KEY_HELP = '← → pan, + − zoom, 0 all, [ ] previous / next region, Enter zoom to it, Esc clear';

function attachMapEvents(map) {
  const canvas = map.canvas;
  canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    if (Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      map.panBy(event.deltaX);
    } else {
      const scale = event.deltaMode === 1 ? 40 : event.deltaMode === 2 ? 800 : 1;
      map.zoomAt(event.offsetX, Math.exp(event.deltaY * scale * 0.002));
    }
  }, { passive: false });

  let drag = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    const onOverview = event.offsetY < map.rows().overview + OVERVIEW_H + 3;
    drag = { x: event.offsetX, moved: 0, onOverview };
    if (onOverview) centreOverviewAt(map, event.offsetX);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (drag) {
      const dx = event.offsetX - drag.x;
      drag.moved += Math.abs(dx);
      drag.x = event.offsetX;
      if (drag.onOverview) centreOverviewAt(map, event.offsetX); else map.panBy(-dx);
      return;
    }
    const hit = map.pick(event.offsetX, event.offsetY);
    const same = hit && map.hover && hit.track === map.hover.track && hit.index === map.hover.index;
    map.hover = hit;
    if (!same) map.requestDraw();
    map.options.onHover && map.options.onHover(hit, event);
  });
  canvas.addEventListener('pointerup', (event) => {
    const click = drag && drag.moved < 4 && !drag.onOverview;
    drag = null;
    if (!click) return;
    const hit = map.pick(event.offsetX, event.offsetY);
    if (hit && hit.index >= 0) select(map, hit, false);
  });
  canvas.addEventListener('pointerleave', () => {
    if (drag) return;
    map.hover = null;
    map.requestDraw();
    map.options.onHover && map.options.onHover(null, null);
  });
  canvas.addEventListener('dblclick', (event) => map.zoomAt(event.offsetX, 0.25));
  canvas.addEventListener('keydown', (event) => {
    if (handleKey(map, event.key, event.shiftKey)) event.preventDefault();
  });
}

function centreOverviewAt(map, x) {
  const view = map.screen();
  const u = ((x - view.left) / view.width) * map.axis.total, half = (map.view.u1 - map.view.u0) / 2;
  map.stopAnimation();
  map.setView(u - half, u + half);
}

function handleKey(map, key, shift) {
  const width = map.screen().width;
  switch (key) {
    case 'ArrowLeft': map.panBy(-width * (shift ? 0.5 : 0.15)); return true;
    case 'ArrowRight': map.panBy(width * (shift ? 0.5 : 0.15)); return true;
    case '+': case '=': map.zoomAt(map.screen().left + width / 2, 0.5); return true;
    case '-': case '_': map.zoomAt(map.screen().left + width / 2, 2); return true;
    case '0': case 'Home': map.reset(); return true;
    case ']': case 'n': step(map, 1); return true;
    case '[': case 'p': step(map, -1); return true;
    case 'Enter': if (map.selected) zoomToRegion(map, map.selected); return true;
    case 'Escape':
      map.selected = null;
      map.highlight = null;
      map.requestDraw();
      map.options.onSelect && map.options.onSelect(null);
      return true;
  }
  return false;
}

// The next or previous region of the selected one's track, or the first in view.
function step(map, direction) {
  const s = map.selected;
  let track = s ? s.track : 0, index;
  if (s) {
    index = s.index + direction;
  } else {
    index = firstRegionFrom(map.tracks[track], map.view.u0);
  }
  const layout = map.tracks[track].layout;
  index = Math.max(0, Math.min(layout.n - 1, index));
  select(map, { track, layout, index }, true);
}

function select(map, hit, reveal) {
  map.selected = hit;
  map.requestDraw();
  if (reveal) {
    const t = map.tracks[hit.track];
    if (t.uEnd[hit.index] < map.view.u0 || t.uStart[hit.index] > map.view.u1 ||
        (t.uEnd[hit.index] - t.uStart[hit.index]) / (map.view.u1 - map.view.u0) < 0.002) zoomToRegion(map, hit);
  }
  map.options.onSelect && map.options.onSelect(hit);
}

function zoomToRegion(map, hit) {
  map.zoomToRange(hit.layout.start[hit.index], hit.layout.end[hit.index]);
}
