// main.js - reads the inlined data (schema rasp-report/1) and builds the page.
'use strict';

function renderHeader(data) {
  const p = data.program;
  const m = data.stats.model;
  const heads = m.heads_per_layer.reduce((a, b) => a + b, 0);
  const agree = data.inputs.filter((i) => i.agree).length;
  return el('header', {},
    el('h1', {}, 'Compiled model of ', el('code', {text: p.source || p.name})),
    el('div', {class: 'facts'},
      el('span', {}, el('b', {text: 'vocabulary '}), el('code', {text: `{${p.vocab.map(show).join(', ')}}`})),
      el('span', {}, el('b', {text: 'max_seq_len '}), String(p.maxSeqLen)),
      el('span', {}, el('b', {text: 'BOS '}), el('code', {text: p.bos})),
      el('span', {}, el('b', {text: 'causal '}), p.causal ? 'yes' : 'no'),
      el('span', {}, el('b', {text: 'optimisations '}), p.optimize ? 'on' : 'off (--optimize=false)'),
      p.compileOptions ? el('span', {}, el('b', {text: 'compile options '}), el('code', {text: p.compileOptions})) : null),
    el('div', {class: 'facts'},
      el('span', {}, el('b', {text: `${m.layers}`}), ` layer${m.layers === 1 ? '' : 's'}`),
      el('span', {}, el('b', {text: `${heads}`}), ` head${heads === 1 ? '' : 's'}`),
      el('span', {}, 'residual width ', el('b', {text: formatCount(m.residual_width)})),
      el('span', {}, el('b', {text: formatCount(m.params.blocks)}), ' block parameters'),
      el('span', {}, el('b', {text: `${data.inputs.length}`}), ` input${data.inputs.length === 1 ? '' : 's'}, ${agree} agreeing with the interpreter`)),
    el('p', {class: 'note', text: 'The numbers are those of rasp-run --trace: the float32 forward pass of the compiled model (docs/Trace.md). Hover over any cell for its value.'}));
}

function renderNav(data) {
  const nav = document.getElementById('nav');
  nav.append(el('span', {class: 'title', text: 'rasp report'}),
    el('a', {href: '#program', text: 'Program'}),
    el('a', {href: '#layout', text: 'Residual layout'}),
    el('a', {href: '#size', text: 'Model size'}));
  data.inputs.forEach((input, i) => {
    nav.append(el('a', {href: `#input-${i + 1}`, title: input.tokens.join(' ')},
      `Input ${i + 1}: ${clip(input.tokens.join(' '), 18)} `,
      el('span', {class: input.agree ? 'badge ok' : input.expected ? 'badge bad' : 'badge none',
        text: input.agree ? '\u2713' : input.expected ? '\u2717' : '?'})));
  });
}

function render() {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const app = document.getElementById('app');
  renderNav(data);
  app.replaceChildren(
    renderHeader(data),
    el('section', {id: 'program'}, el('h2', {text: 'Program and placement'}), renderProgram(data)),
    el('section', {id: 'layout'}, el('h2', {text: 'Residual layout'}), renderLayout(data)),
    el('section', {id: 'size'}, el('h2', {text: 'Model size'}), renderSize(data)),
    ...(data.inputs.length ? data.inputs.map((input, i) => renderInput(data, input, i))
      : [el('p', {class: 'note', text: 'No inputs: give some with --input or on standard input.'})]));
  document.documentElement.dataset.rendered = 'yes';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', render);
else render();
