// inputs.js - everything drawn per input: the output beside the
// interpreter's, the decoded value of every SOp, the residual stream after
// every stage, every head's attention pattern, the MLPs' hidden units.
'use strict';

const GROUP_H = 15;
const DIR_H = 11;
const CAPTION_H = 18;

/** The residual stream of one input, rebuilt from its changes. */
class Residual {
  constructor(data, input) {
    this.layout = data.layout;
    this.n = input.positions.length;
    this.changes = data.layout.map(() => []);
    for (const change of input.residual) {
      const dim = data.layout[change.subspace].dim;
      const dense = new Float32Array(this.n * dim);
      const cells = change.cells;
      for (let i = 0; i + 2 < cells.length; i += 3) dense[cells[i] * dim + cells[i + 1]] = cells[i + 2];
      this.changes[change.subspace].push({stage: change.stage, decoded: change.decoded, dense});
    }
    this.active = this.changes.map((list, sub) => {
      const dim = data.layout[sub].dim;
      const on = new Uint8Array(dim);
      for (const change of list) {
        for (let i = 0; i < change.dense.length; ++i) if (change.dense[i]) on[i % dim] = 1;
      }
      const dims = [];
      on.forEach((v, k) => { if (v) dims.push(k); });
      return dims;
    });
  }

  /** The state of `sub` after stage `s` (null: still zero). */
  at(sub, s) {
    let found = null;
    for (const change of this.changes[sub]) if (change.stage <= s) found = change;
    return found;
  }

  /** What stage `s` wrote to `sub` (null: nothing). */
  writtenAt(sub, s) {
    return this.changes[sub].find((change) => change.stage === s) || null;
  }
}

/** Which rows the residual view shows, shared by all its panels. */
function residualRows(data, residual, view) {
  const rows = [];
  let y = 0;
  data.layout.forEach((sub, i) => {
    rows.push({kind: 'group', sub: i, y, h: GROUP_H});
    y += GROUP_H;
    if (!view.expanded.has(i)) return;
    const dims = view.hideZero ? residual.active[i] : [...Array(sub.dim).keys()];
    for (const k of dims) {
      rows.push({kind: 'dir', sub: i, k, y, h: DIR_H});
      y += DIR_H;
    }
  });
  return {rows, height: y};
}

function defaultView(data, residual) {
  const width = data.program.residualWidth;
  const view = {hideZero: width > 200, expanded: new Set(), mode: 'residual'};
  let rows = 0;
  data.layout.forEach((sub, i) => {
    const dims = view.hideZero ? residual.active[i].length : sub.dim;
    if (dims <= 24 && rows + dims <= 600) {
      view.expanded.add(i);
      rows += dims;
    }
  });
  return view;
}

/** Height of the position labels: rotated if a token is wider than a cell. */
function positionHeaderHeight(positions, cellW) {
  return positions.some((t) => String(t).length * 6.5 > cellW - 2) ? 40 : 16;
}

function positionHeader(positions, cellW) {
  const height = positionHeaderHeight(positions, cellW);
  const head = el('div', {class: 'poshead' + (height > 16 ? ' vertical' : ''), style: `height:${height}px`});
  positions.forEach((token, p) => {
    head.append(el('span', {class: p === 0 ? 'bos' : '', style: `width:${cellW}px`,
      title: `position ${p}: ${token}`, text: clip(token, 7)}));
  });
  return head;
}

/** One panel: the residual stream after stage `s` (or what `s` wrote). */
function residualPanel(data, input, residual, layoutRows, view, s, cellW) {
  const n = residual.n;
  const numStages = data.stages.length;
  const {canvas, ctx} = makeCanvas(n * cellW, Math.max(1, layoutRows.height));
  const state = (sub) => (view.mode === 'residual' ? residual.at(sub, s) : residual.writtenAt(sub, s));
  // BOS column.
  ctx.fillStyle = '#f4f5f7';
  ctx.fillRect(0, 0, cellW, layoutRows.height);
  ctx.font = '10px ui-monospace, "DejaVu Sans Mono", monospace';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const chars = Math.floor((cellW - 2) / 6);
  for (const row of layoutRows.rows) {
    const change = state(row.sub);
    const written = residual.writtenAt(row.sub, s) !== null;
    if (row.kind === 'group') {
      ctx.fillStyle = written ? '#fff4d6' : '#f2f4f7';
      ctx.fillRect(0, row.y, n * cellW, row.h);
      ctx.fillStyle = '#d0d5dd';
      ctx.fillRect(0, row.y, n * cellW, 1);
      if (!change) continue;
      for (let p = 0; p < n; ++p) {
        const value = change.decoded[p];
        if (value === null) continue;
        ctx.fillStyle = '#1d2330';
        // Too narrow for more than a character: a mark (hover for the value).
        if (chars >= 2 || String(value).length === 1) {
          ctx.fillText(fitValue(value, Math.max(1, chars)), (p + 0.5) * cellW, row.y + row.h / 2 + 1);
        } else {
          ctx.fillRect(p * cellW + cellW / 2 - 1.5, row.y + 5, 3, 5);
        }
      }
      continue;
    }
    if (!change) continue;
    const dim = data.layout[row.sub].dim;
    for (let p = 0; p < n; ++p) {
      const v = change.dense[p * dim + row.k];
      if (!v) continue;
      ctx.fillStyle = heatColor(v);
      ctx.fillRect(p * cellW + 0.5, row.y + 0.5, cellW - 1, row.h - 1);
    }
  }
  // Subspaces this stage writes: a mark on the left edge.
  ctx.fillStyle = '#f59e0b';
  for (const row of layoutRows.rows) {
    if (residual.writtenAt(row.sub, s)) ctx.fillRect(0, row.y, 3, row.h);
  }

  canvas.addEventListener('mousemove', (event) => {
    const p = Math.floor(event.offsetX / cellW);
    const row = layoutRows.rows.find((r) => event.offsetY >= r.y && event.offsetY < r.y + r.h);
    if (!row || p < 0 || p >= n) {
      Tooltip.hide();
      return;
    }
    const sub = data.layout[row.sub];
    const change = state(row.sub);
    const where = `${stageName(s, numStages)} \u00b7 position ${p} (${input.positions[p]})`;
    if (row.kind === 'group') {
      const decoded = change ? show(change.decoded[p]) : 'None (zero)';
      Tooltip.show(event, `${where}\n${sub.name} = ${decoded}`);
    } else {
      const label = sub.values ? `${sub.name}:${show(sub.values[row.k])}` : sub.name;
      const v = change ? change.dense[p * sub.dim + row.k] : 0;
      Tooltip.show(event, `${where}\n${label} = ${formatNumber(v)}`);
    }
  });
  canvas.addEventListener('mouseleave', () => Tooltip.hide());

  const kind = stageKind(s);
  const title = view.mode === 'residual' ? `after ${stageName(s, numStages)}` : `${stageName(s, numStages)} wrote`;
  return el('figure', {class: 'heatmap residual-stage', 'data-stage': s},
    el('div', {class: 'head'},
      el('figcaption', {class: kind, title, text: stageName(s, numStages)}),
      positionHeader(input.positions, cellW)),
    canvas);
}

function residualLabels(data, layoutRows, view, headHeight, onToggle) {
  const column = el('div', {class: 'labels'},
    el('div', {class: 'head', style: `height:${CAPTION_H + headHeight + 1}px`}));
  for (const row of layoutRows.rows) {
    const sub = data.layout[row.sub];
    if (row.kind === 'group') {
      const open = view.expanded.has(row.sub);
      const enc = sub.encoding === 'numerical' ? 'num' : `${sub.dim}`;
      column.append(el('div', {class: 'row group', style: `height:${row.h}px`,
        title: `${sub.name}: ${sub.encoding}, ${sub.dim} direction(s) at ${sub.offset}; click to ${open ? 'collapse' : 'expand'}`,
        onclick: () => onToggle(row.sub)},
      `${open ? '\u25be' : '\u25b8'} ${clip(sub.name, 24)}`, el('span', {class: 'dims', text: enc})));
    } else {
      const value = sub.values ? show(sub.values[row.k]) : sub.name;
      column.append(el('div', {class: 'row dir', style: `height:${row.h}px`,
        title: sub.values ? `${sub.name}:${value}` : sub.name, text: clip(value, 20)}));
    }
  }
  return column;
}

function renderResidual(data, input) {
  const residual = new Residual(data, input);
  const view = defaultView(data, residual);
  // As wide as a 1280-pixel window allows for all stages, 8 to 36 pixels.
  const cellW = Math.max(8, Math.min(36, Math.floor(1040 / (data.stages.length * residual.n))));
  const box = el('div', {class: 'residual'});
  const draw = () => {
    const layoutRows = residualRows(data, residual, view);
    const toggle = (sub) => {
      if (view.expanded.has(sub)) view.expanded.delete(sub);
      else view.expanded.add(sub);
      draw();
    };
    const panels = data.stages.map((_, s) => residualPanel(data, input, residual, layoutRows, view, s, cellW));
    const headHeight = positionHeaderHeight(input.positions, cellW);
    box.replaceChildren(residualLabels(data, layoutRows, view, headHeight, toggle), ...panels);
  };
  const modeName = `mode-${Math.random().toString(36).slice(2)}`;
  const controls = el('div', {class: 'controls no-print'},
    el('button', {type: 'button', text: 'expand all', onclick: () => {
      data.layout.forEach((_, i) => view.expanded.add(i));
      draw();
    }}),
    el('button', {type: 'button', text: 'collapse all', onclick: () => {
      view.expanded.clear();
      draw();
    }}),
    el('label', {}, el('input', {type: 'checkbox', checked: view.hideZero, onchange: (e) => {
      view.hideZero = e.target.checked;
      draw();
    }}), ' hide directions that stay zero'),
    el('label', {}, el('input', {type: 'radio', name: modeName, checked: true, onchange: () => {
      view.mode = 'residual';
      draw();
    }}), ' residual after each stage'),
    el('label', {}, el('input', {type: 'radio', name: modeName, onchange: () => {
      view.mode = 'writes';
      draw();
    }}), ' what each stage wrote'),
    el('span', {class: 'legend'}, colorBar(), el('span', {text: '\u2003grey rows: decoded value; orange mark: written by this stage; first column: BOS'})));
  draw();
  return el('div', {}, controls, box);
}

function renderOutput(data, input) {
  const n = input.positions.length;
  const head = el('tr', {}, el('th', {text: 'position'}));
  const tokens = el('tr', {}, el('th', {text: 'input'}));
  const model = el('tr', {}, el('th', {text: 'compiled model'}));
  const expected = el('tr', {}, el('th', {text: 'interpreter'}));
  const out = data.nodes[data.program.output];
  const fmt = out && out.encoding === 'numerical' ? tableNumber : show;
  for (let p = 1; p < n; ++p) {
    head.append(el('th', {class: 'num', text: String(p)}));
    tokens.append(el('td', {class: 'mono', text: input.positions[p]}));
    const verdict = input.verdicts[p - 1];
    model.append(el('td', {class: 'mono' + (verdict === 'bad' ? ' bad' : ''), title: show(input.output[p - 1]), text: fmt(input.output[p - 1])}));
    expected.append(el('td', {class: 'mono', title: input.expected ? show(input.expected[p - 1]) : '', text: input.expected ? fmt(input.expected[p - 1]) : '\u2013'}));
  }
  const rows = [head, tokens, model];
  if (input.expected) rows.push(expected);
  const table = el('table', {class: 'grid output-table'}, el('tbody', {}, rows));
  const note = input.interpreterError ? el('p', {class: 'note', text: `The interpreter failed: ${input.interpreterError}`}) : null;
  return el('div', {class: 'scroll-x'}, table, note);
}

function renderValues(data, input) {
  const n = input.positions.length;
  const numStages = data.stages.length;
  const head = el('tr', {}, el('th', {text: 'SOp'}), el('th', {text: 'where'}));
  for (let p = 1; p < n; ++p) head.append(el('th', {class: 'mono', text: input.positions[p]}));
  const body = input.values.map((entry) => {
    const node = data.nodes[entry.node];
    const where = node.status === 'fused' ? 'fused'
      : node.status === 'unused' ? 'pruned' : stageName(node.stage, numStages);
    const row = el('tr', {}, el('td', {class: 'mono', text: node.label}), el('td', {text: where}));
    const fmt = node.encoding === 'numerical' ? tableNumber : show;
    for (let p = 1; p < n; ++p) {
      const want = entry.expected.length ? fmt(entry.expected[p - 1]) : null;
      if (!entry.model) {
        row.append(el('td', {class: 'mono fused', title: 'not in the residual stream; the interpreter\u2019s value', text: want === null ? '' : want}));
        continue;
      }
      const verdict = entry.verdicts[p - 1];
      const got = fmt(entry.model[p - 1]);
      let title = `model: ${show(entry.model[p - 1])}`;
      if (want !== null) title += `\ninterpreter: ${show(entry.expected[p - 1])}`;
      if (verdict === 'absent') title += ' (the model has no direction for this value: pruned)';
      row.append(el('td', {class: 'mono' + (verdict === 'bad' ? ' bad' : verdict === 'absent' ? ' absent' : ''), title, text: got}));
    }
    return row;
  });
  return el('div', {class: 'scroll-x'},
    el('table', {class: 'grid values-table'}, el('thead', {}, head), el('tbody', {}, body)));
}

/** The selection matrix the program's selector gives for a head, if the
 * head alone computes one aggregate or selector width. */
function headSelection(data, input, blockId) {
  const users = data.nodes.filter((node) => node.kind === 'sop' && node.blocks.includes(blockId) &&
    (node.op === 'aggregate' || node.op === 'selector_width'));
  if (users.length !== 1) return null;
  const heads = users[0].blocks.filter((b) => data.blocks[b].kind === 'head');
  if (heads.length !== 1) return null;
  const selection = input.selections.find((s) => s.node === users[0].operands[0]);
  return selection ? selection.bits : null;
}

function renderAttention(data, input) {
  const n = input.positions.length;
  const cell = cellSize(n, 360, 5, 22);
  const cards = input.heads.map((h) => {
    const block = data.blocks[h.block];
    // The selection's dots would hide the pattern in small cells.
    const bits = cell >= 9 ? headSelection(data, input, h.block) : null;
    const canvas = matrixHeatmap({
      rows: n, cols: n, cellW: cell, cellH: cell,
      rowLabels: input.positions, colLabels: input.positions,
      boldRow: (r) => r === 0, boldCol: (c) => c === 0,
      className: 'pattern',
      value: (r, c) => h.pattern[r * n + c],
      mark: bits ? (r, c) => r > 0 && c > 0 && bits[(r - 1) * (n - 1) + (c - 1)] === '1' : null,
      tip: (r, c) => {
        const logit = h.logits[r * n + c];
        return `query ${r} (${input.positions[r]}) \u2192 key ${c} (${input.positions[c]})\nweight ${formatNumber(h.pattern[r * n + c])}\nscore ${logit === null ? 'masked (\u2212\u221e)' : formatNumber(logit)}`;
      },
    });
    const reads = block.reads.map((i) => data.layout[i].name).join(', ');
    const writes = block.writes.map((i) => data.layout[i].name).join(', ');
    return el('figure', {class: 'card attention-pattern', 'data-block': h.block},
      el('figcaption', {},
        el('b', {text: `L${block.layer} head ${block.head}: ${block.name}`}),
        el('span', {class: 'sub', text: `reads ${reads || '\u2013'} \u2192 writes ${writes || '\u2013'}${block.causal ? ' \u00b7 causal' : ''}`}),
        el('span', {class: 'sub', text: `rows: queries, columns: keys${bits ? '; dots: keys the program\u2019s selector selects' : ''}`})),
      canvas);
  });
  if (!cards.length) return el('p', {class: 'note', text: 'The model has no attention heads.'});
  return el('div', {class: 'cards'}, cards);
}

function renderMLPs(data, input) {
  const n = input.positions.length;
  const cards = input.mlps.map((m) => {
    const block = data.blocks[m.block];
    const values = new Float32Array(n * m.units);
    if (m.dense) values.set(m.dense);
    else for (let i = 0; i + 2 < m.cells.length; i += 3) values[m.cells[i] * m.units + m.cells[i + 1]] = m.cells[i + 2];
    let max = 0;
    for (const v of values) max = Math.max(max, v);
    // Rows: the units active at some position of this input.
    const active = [];
    for (let u = 0; u < m.units; ++u) {
      for (let p = 0; p < n; ++p) {
        if (values[p * m.units + u] > 0) {
          active.push(u);
          break;
        }
      }
    }
    const cellW = cellSize(n, 360, 6, 22);
    const cellH = Math.max(2, Math.min(12, Math.floor(400 / Math.max(1, active.length))));
    const canvas = matrixHeatmap({
      rows: active.length, cols: n, cellW, cellH,
      rowLabels: cellH >= 4 ? active.map((u) => `u${u}`) : null, colLabels: input.positions,
      boldCol: (c) => c === 0, className: 'mlp-hidden',
      value: (r, p) => (max > 0 ? values[p * m.units + active[r]] / max : 0),
      tip: (r, p) => `unit ${active[r]} at position ${p} (${input.positions[p]})\nactivation ${formatNumber(values[p * m.units + active[r]])}`,
    });
    const reads = block.reads.map((i) => data.layout[i].name).join(', ');
    const writes = block.writes.map((i) => data.layout[i].name).join(', ');
    return el('figure', {class: 'card mlp-activations', 'data-block': m.block},
      el('figcaption', {},
        el('b', {text: `L${block.layer} MLP: ${active.length} of ${m.units} hidden units active`}),
        el('span', {class: 'sub', text: `reads ${reads} \u2192 writes ${writes}`}),
        el('span', {class: 'sub', text: `ReLU outputs; rows: the units active on this input, columns: positions; colour: activation / ${formatNumber(max)} (the largest)`})),
      el('div', {class: 'mlp-scroll'}, canvas));
  });
  if (!cards.length) return el('p', {class: 'note', text: 'The model has no MLP sublayers.'});
  return el('div', {class: 'cards'}, cards);
}

function inputBadge(input) {
  if (!input.expected) return el('span', {class: 'badge none', text: 'no interpreter output'});
  return input.agree ? el('span', {class: 'badge ok', text: 'agrees with the interpreter'})
    : el('span', {class: 'badge bad', text: 'DISAGREES with the interpreter'});
}

function renderInput(data, input, index) {
  return el('section', {class: 'input', id: `input-${index + 1}`},
    el('h2', {}, `Input ${index + 1}: `, el('code', {text: input.tokens.join(' ') || '(empty)'}), ' ', inputBadge(input)),
    el('h3', {text: 'Output'}), renderOutput(data, input),
    el('h3', {text: 'Every SOp, decoded from the residual stream'}),
    el('p', {class: 'note', text: 'The value each SOp\u2019s subspace decodes to after the last layer; red: differs from the interpreter; grey italics: not held in the residual (fused SOps show the interpreter\u2019s value; pruned values have no direction). Hover for the interpreter\u2019s value.'}),
    renderValues(data, input),
    el('h3', {text: 'Residual stream'}),
    el('p', {class: 'note', text: 'Rows: residual directions grouped by subspace (click a group to expand or collapse it); columns: positions; one panel per stage, as Tracr\u2019s plots of the residual stream and of the layer outputs.'}),
    renderResidual(data, input),
    el('h3', {text: 'Attention patterns'}), renderAttention(data, input),
    el('h3', {text: 'MLP hidden activations'}), renderMLPs(data, input));
}
