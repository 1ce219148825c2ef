// model.js - the residual layout with lifetimes, and the model's size
// against the unoptimised pipeline.
'use strict';

/** One row per subspace: its directions, its SOp, and a bar from the stage
 * that writes it to the last stage that reads it. */
function renderLayout(data) {
  const numStages = data.stages.length;
  const head = el('tr', {},
    el('th', {text: 'subspace'}), el('th', {text: 'encoding'}),
    el('th', {class: 'num', text: 'directions'}), el('th', {class: 'num', text: 'dim'}),
    el('th', {text: 'SOp'}));
  for (let s = 0; s <= numStages; ++s) {
    head.append(el('th', {class: 'stage', text: stageName(s, numStages)}));
  }
  const body = data.layout.map((sub) => {
    const row = el('tr', {},
      el('td', {class: 'mono', text: sub.name}),
      el('td', {text: sub.encoding}),
      el('td', {class: 'num', text: sub.dim ? `${sub.offset}\u2013${sub.offset + sub.dim - 1}` : '\u2013'}),
      el('td', {class: 'num', text: String(sub.dim)}),
      el('td', {class: 'mono', text: sub.node === null ? '(helper)' : data.nodes[sub.node].label}));
    for (let s = 0; s <= numStages; ++s) {
      let cls = 'stage';
      const w = sub.writtenAt;
      const r = sub.lastReadAt;
      if (s === w) cls += ' written';
      else if (w !== null && r !== null && s > w && s < r) cls += ' live';
      else if (s === r) cls += ' read';
      const tip = `${sub.name}: written at ${stageName(w, numStages)}, read until ${stageName(r, numStages)}`;
      row.append(el('td', {class: cls, title: tip}));
    }
    return row;
  });
  return el('div', {},
    el('p', {class: 'note', text: 'Every subspace owns a contiguous range of residual directions. Dark: the stage that writes it; light: alive until the last stage that reads it (output: the readout).'}),
    el('div', {class: 'scroll-x'},
      el('table', {class: 'grid lifetimes'}, el('thead', {}, head), el('tbody', {}, body))));
}

function statRows(model, baseline) {
  const list = (xs) => xs.join(', ');
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const rows = [
    ['layers', (m) => m.layers],
    ['heads', (m) => `${sum(m.heads_per_layer)} (${list(m.heads_per_layer)})`],
    ['MLP hidden units', (m) => `${formatCount(sum(m.mlp_hidden_per_layer))} (${list(m.mlp_hidden_per_layer)})`],
    ['residual width', (m) => formatCount(m.residual_width)],
    ['block parameters', (m) => formatCount(m.params.blocks)],
    ['non-zero block parameters', (m) => formatCount(m.params.blocks_nonzero)],
    ['dense parameters (Tracr layout)', (m) => formatCount(m.params.dense)],
    ['per-layer parameters', (m) => formatCount(m.params.layered)],
  ];
  return rows.map(([name, get]) => el('tr', {},
    el('th', {text: name}),
    el('td', {class: 'num', text: String(get(model))}),
    baseline ? el('td', {class: 'num', text: String(get(baseline))}) : null));
}

function layerDetails(model) {
  const rows = [];
  model.layer_details.forEach((layer, l) => {
    for (const h of layer.heads) {
      rows.push(el('tr', {},
        el('td', {class: 'num', text: String(l)}), el('td', {text: `head: ${h.name}`}),
        el('td', {class: 'num', text: `${h.query} / ${h.key}`}),
        el('td', {class: 'num', text: `${h.value} / ${h.output}`}),
        el('td', {class: 'num', text: formatCount(h.params)}),
        el('td', {class: 'num', text: formatCount(h.nonzero)})));
    }
    if (layer.mlp) {
      const m = layer.mlp;
      rows.push(el('tr', {},
        el('td', {class: 'num', text: String(l)}), el('td', {text: `MLP: ${m.hidden} hidden`}),
        el('td', {class: 'num', text: String(m.input)}),
        el('td', {class: 'num', text: String(m.output)}),
        el('td', {class: 'num', text: formatCount(m.params)}),
        el('td', {class: 'num', text: formatCount(m.nonzero)})));
    }
  });
  return el('table', {class: 'grid'},
    el('thead', {}, el('tr', {},
      el('th', {class: 'num', text: 'layer'}), el('th', {text: 'block'}),
      el('th', {class: 'num', text: 'query / key or input'}),
      el('th', {class: 'num', text: 'value / output or output'}),
      el('th', {class: 'num', text: 'params'}), el('th', {class: 'num', text: 'non-zero'}))),
    el('tbody', {}, rows));
}

function renderSize(data) {
  const model = data.stats.model;
  const baseline = data.stats.baseline;
  const head = el('tr', {}, el('th', {text: ''}),
    el('th', {class: 'num', text: data.program.optimize ? 'this model' : 'this model (unoptimised)'}),
    baseline ? el('th', {class: 'num', text: 'unoptimised (--optimize=false)'}) : null);
  return el('div', {},
    el('p', {class: 'note', text: 'Block parameters are the entries of every W_QK, W_OV, W1 and W2 on their own subspaces; dense parameters count Tracr\u2019s layout (every layer padded to the most heads, widest head and widest MLP); per-layer pads each layer only to itself (docs/LayerAllocation.md).'}),
    el('div', {class: 'cards'},
      el('table', {class: 'grid'}, el('thead', {}, head), el('tbody', {}, statRows(model, baseline))),
      layerDetails(model)));
}
