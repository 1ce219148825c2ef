// graph.js - the program as a graph, one band per stage of the model
// (embedding, then each layer's attention and MLP sublayer): every SOp and
// selector sits in the sublayer that computes it, with its source line, and
// a click shows where it lives in the residual stream.
'use strict';

const NODE_W = 156;
const NODE_H = 36;
const GAP_X = 14;
const BAND_H = 60;
const EMPTY_BAND_H = 22;
const LEFT = 112;

/** A sentence or two on where the model computes `node`. */
function placementText(data, node) {
  const numStages = data.stages.length;
  const blocks = node.blocks.map((b) => data.blocks[b]);
  const names = (ids) => ids.map((i) => data.nodes[i].label).join(', ');
  const sub = node.subspace === null ? null : data.layout[node.subspace];
  switch (node.status) {
    case 'embedding':
      return `Written by the embedding into ${sub.name} (${sub.dim} direction${sub.dim === 1 ? '' : 's'}).`;
    case 'computed': {
      const by = blocks.filter((b) => b.kind !== 'embedding').map(blockName).join(' and ');
      const until = sub.lastReadAt === null ? 'never read'
        : `read until ${stageName(sub.lastReadAt, numStages)}`;
      return `Computed by ${by}; held in ${sub.name} (${sub.dim} direction${sub.dim === 1 ? '' : 's'}), ${until}.`;
    }
    case 'fused': {
      const own = blocks.length ? ` ${blocks.map(blockName).join(' and ')} compute${blocks.length === 1 ? 's' : ''} its input.` : '';
      return `Fused: not in the residual stream; computed inside the MLP of ${names(node.fusedInto)}.${own}`;
    }
    case 'selector':
      return blocks.length ? `Selector of ${blocks.map(blockName).join(', ')}.`
        : 'Selector (no head uses it).';
    default:
      return 'Not in the model: nothing the output depends on reads it (pruned).';
  }
}

function nodeClass(data, node) {
  const classes = ['graph-node'];
  if (node.status === 'embedding' || node.status === 'selector' || node.status === 'unused') {
    classes.push(node.status);
  } else {
    if (node.status === 'fused') classes.push('fused');
    if (node.stage !== null) classes.push(stageKind(node.stage));
  }
  if (node.id === data.program.output) classes.push('output');
  return classes.join(' ');
}

function nodeSubtitle(node) {
  if (node.kind === 'selector') return `${node.op}${node.detail ? ' ' + node.detail : ''}`;
  const enc = node.encoding === 'numerical' ? 'num' : 'cat';
  const count = node.numValues === undefined ? '' : ` \u00b7 ${node.numValues}`;
  return `${node.op} \u00b7 ${enc}${count}`;
}

/** Positions of the nodes: bands by stage, nodes ordered by their inputs. */
function layoutGraph(data) {
  const numStages = data.stages.length;
  const bands = [];
  for (let s = 0; s < numStages; ++s) bands.push({stage: s, nodes: []});
  const unplaced = {stage: null, nodes: []};
  for (const node of data.nodes) {
    (node.stage === null ? unplaced : bands[node.stage]).nodes.push(node);
  }
  if (unplaced.nodes.length) bands.push(unplaced);
  const pos = new Map();
  let y = 8;
  let width = 0;
  for (const band of bands) {
    // Order by the mean position of the operands already placed.
    const key = (node) => {
      const xs = node.operands.filter((o) => pos.has(o)).map((o) => pos.get(o).x);
      return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Infinity;
    };
    band.nodes.sort((a, b) => (key(a) - key(b)) || (a.id - b.id));
    band.y = y;
    band.h = band.nodes.length ? BAND_H : EMPTY_BAND_H;
    band.nodes.forEach((node, i) => {
      pos.set(node.id, {x: LEFT + i * (NODE_W + GAP_X), y: y + (BAND_H - NODE_H) / 2});
    });
    width = Math.max(width, LEFT + band.nodes.length * (NODE_W + GAP_X));
    y += band.h;
  }
  return {bands, pos, width: Math.max(width, 480), height: y + 8};
}

function edgePath(from, to) {
  if (Math.abs(from.y - to.y) < 1) {
    // Same band (a selector and its head, a fused input): side to side.
    const forward = from.x < to.x;
    const y = from.y + NODE_H / 2;
    return `M${from.x + (forward ? NODE_W : 0)},${y} L${to.x + (forward ? 0 : NODE_W)},${y}`;
  }
  const down = from.y < to.y;
  const x1 = from.x + NODE_W / 2;
  const y1 = from.y + (down ? NODE_H : 0);
  const x2 = to.x + NODE_W / 2;
  const y2 = to.y + (down ? 0 : NODE_H);
  const mid = (y1 + y2) / 2;
  return `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2}`;
}

function renderGraph(data, onSelect) {
  const numStages = data.stages.length;
  const {bands, pos, width, height} = layoutGraph(data);
  const parts = [];
  parts.push(`<svg class="graph" width="${width}" height="${height}" role="img" aria-label="program graph">`);
  parts.push('<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#98a2b3"/></marker></defs>');
  for (const band of bands) {
    const kind = band.stage === null ? 'none' : stageKind(band.stage);
    const label = band.stage === null ? 'not in model' : stageName(band.stage, numStages);
    parts.push(`<rect class="band ${kind}" x="0" y="${band.y}" width="${width}" height="${band.h}"/>`);
    parts.push(`<text class="band-label" x="8" y="${band.y + Math.min(band.h, BAND_H) / 2 + 4}">${esc(label)}</text>`);
  }
  for (const node of data.nodes) {
    for (const operand of node.operands) {
      parts.push(`<path class="edge" data-from="${operand}" data-to="${node.id}" marker-end="url(#arrow)" d="${edgePath(pos.get(operand), pos.get(node.id))}"/>`);
    }
  }
  for (const node of data.nodes) {
    const p = pos.get(node.id);
    parts.push(`<g class="${nodeClass(data, node)}" data-node="${node.id}" data-kind="${node.kind}" transform="translate(${p.x},${p.y})">`);
    parts.push(`<rect width="${NODE_W}" height="${NODE_H}" rx="${node.kind === 'selector' ? 12 : 4}"/>`);
    parts.push(`<text x="8" y="15" font-weight="600">${esc(clip(node.label, node.line ? 18 : 22))}</text>`);
    if (node.line) parts.push(`<text class="sub" x="${NODE_W - 6}" y="15" text-anchor="end">l.${node.line}</text>`);
    parts.push(`<text class="sub" x="8" y="29">${esc(clip(nodeSubtitle(node), 27))}</text>`);
    parts.push('</g>');
  }
  parts.push('</svg>');
  const box = el('div', {class: 'graph-box'});
  box.innerHTML = parts.join('');
  const svg = box.firstElementChild;
  svg.addEventListener('click', (event) => {
    const g = event.target.closest('.graph-node');
    if (g) onSelect(Number(g.dataset.node));
  });
  svg.addEventListener('mousemove', (event) => {
    const g = event.target.closest('.graph-node');
    if (!g) {
      Tooltip.hide();
      return;
    }
    const node = data.nodes[Number(g.dataset.node)];
    Tooltip.show(event, `${node.label} = ${node.op}${node.line ? ' (line ' + node.line + ')' : ''}\n${placementText(data, node)}`);
  });
  svg.addEventListener('mouseleave', () => Tooltip.hide());
  return box;
}

function nodeDetails(data, node) {
  const sub = node.subspace === null ? null : data.layout[node.subspace];
  const rows = [
    ['placement', placementText(data, node)],
    ['operation', `${node.op}${node.detail ? ' (' + node.detail + ')' : ''}`],
    ['reads', node.operands.length ? node.operands.map((o) => data.nodes[o].label).join(', ') : '\u2013'],
  ];
  if (node.kind === 'sop') {
    rows.push(['encoding', `${node.encoding}, ${node.type}`]);
    if (node.numValues !== undefined) {
      const fmt = node.encoding === 'numerical' ? tableNumber : show;
      const shown = node.values.slice(0, 12).map(fmt).join(', ');
      rows.push(['values', `${node.numValues}: ${shown}${node.numValues > 12 ? ', \u2026' : ''}`]);
    }
  }
  const file = data.program.files[node.file];
  rows.push(['source', node.line ? `${file ? file.name : '?'}:${node.line}:${node.col}` : 'no location']);
  if (sub) {
    rows.push(['directions', `${sub.offset}\u2013${sub.offset + sub.dim - 1} of ${data.program.residualWidth}`]);
    rows.push(['lifetime', `written at ${stageName(sub.writtenAt, data.stages.length)}, read until ${stageName(sub.lastReadAt, data.stages.length)}`]);
  }
  return el('div', {class: 'details'},
    el('h3', {text: node.label}),
    el('dl', {}, rows.map(([k, v]) => [el('dt', {text: k}), el('dd', {text: v})])));
}

/** The source files, one shown at a time; show(file, line) marks a line. */
function sourceListing(data) {
  const title = el('div', {class: 'source-name mono'});
  const listings = data.program.files.map((file) => {
    const pre = el('pre', {class: 'source', 'aria-label': `source of ${file.name}`});
    const lines = file.text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((text, i) => {
      pre.append(el('span', {class: 'line', 'data-line': i + 1},
        el('span', {class: 'ln', text: String(i + 1)}), text));
    });
    return pre;
  });
  const show = (index, line) => {
    if (index === undefined || index === null || !listings[index]) index = 0;
    listings.forEach((pre, i) => { pre.hidden = i !== index; });
    title.textContent = data.program.files[index] ? data.program.files[index].name : '';
    const pre = listings[index];
    if (!pre) return;
    for (const span of pre.querySelectorAll('.line')) {
      span.classList.toggle('hot', Number(span.dataset.line) === line);
    }
    const hot = pre.querySelector('.line.hot');
    if (hot) pre.scrollTop = Math.max(0, hot.offsetTop - pre.clientHeight / 2);
  };
  show(0, null);
  return {element: el('div', {}, title, ...listings), show};
}

/** The program section: graph, legend, details of the selected node, source. */
function renderProgram(data) {
  const side = el('div', {class: 'graph-side'});
  const details = el('div', {}, el('p', {class: 'note', text: 'Click a node to see where the model computes it.'}));
  const source = sourceListing(data);
  side.append(details, source.element);
  let graph = null;
  const select = (id) => {
    const node = data.nodes[id];
    details.replaceChildren(nodeDetails(data, node));
    for (const g of graph.querySelectorAll('.graph-node')) {
      g.classList.toggle('selected', Number(g.dataset.node) === id);
    }
    for (const e of graph.querySelectorAll('.edge')) {
      e.classList.toggle('hot', Number(e.dataset.from) === id || Number(e.dataset.to) === id);
    }
    source.show(node.file, node.line);
  };
  graph = renderGraph(data, select);
  const legend = el('div', {class: 'legend'},
    el('span', {}, el('i', {style: 'background:var(--embed)'}), 'embedding'),
    el('span', {}, el('i', {style: 'background:var(--attn);border-color:var(--attn-line)'}), 'attention head'),
    el('span', {}, el('i', {style: 'background:var(--mlp);border-color:var(--mlp-line)'}), 'MLP'),
    el('span', {}, el('i', {style: 'background:#fff;border-style:dashed'}), 'fused (no subspace)'),
    el('span', {}, el('i', {style: 'background:var(--sel);border-color:var(--sel-line);border-radius:5px'}), 'selector'),
    el('span', {}, el('i', {style: 'border-width:2.5px'}), 'output'));
  return el('div', {}, legend, el('div', {class: 'program'}, graph, side));
}
