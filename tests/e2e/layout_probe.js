(() => {
  // lines a text box is laid out on: distinct tops of its line boxes
  const lines = (el) => {
    const r = document.createRange(); r.selectNodeContents(el);
    return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size;
  };
  const cards = [...document.querySelectorAll('.cards .card')].map(c => {
    const v = c.querySelector('.value'), n = c.querySelector('.note'), l = c.querySelector('.label');
    return {label: l ? l.innerText : '', value: v ? v.innerText : '', note: n ? n.innerText : '',
            value_lines: v ? lines(v) : 0, note_lines: n ? lines(n) : 0,
            card_top: Math.round(c.getBoundingClientRect().top),
            value_top: v ? Math.round(v.getBoundingClientRect().top) : null,
            overflow: c.scrollWidth > c.clientWidth + 1};
  });
  const plan = [...document.querySelectorAll('.plan .step .label')].map(e => e.innerText);
  // SVG text as rendered, in the charts on screen (a figure holds a desktop and a phone version,
  // one of them display:none): font size in user units times the element's scale on screen
  const shown = (el) => el.getClientRects().length > 0;
  const texts = [...document.querySelectorAll('svg text')].filter(t => shown(t.closest('svg'))).map(t => {
    const m = t.getScreenCTM(); const fs = parseFloat(getComputedStyle(t).fontSize);
    return {text: t.textContent.trim(), px: fs * Math.hypot(m.a, m.b)};
  }).filter(t => t.text);
  // chart frames: how many charts each shows, and whether its content is wider than the frame
  const figures = [...document.querySelectorAll('figure')].map(f => ({
    charts_shown: [...f.querySelectorAll(':scope > svg')].filter(shown).length,
    classes: [...f.querySelectorAll(':scope > svg')].filter(shown).map(s => s.getAttribute('class')),
    scroll_width: f.scrollWidth, client_width: f.clientWidth}));
  // any element that scrolls sideways (its content wider than its box, and its overflow scrollable)
  const scrollers = [...document.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1
      && ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).map(e => e.tagName.toLowerCase()
      + (e.className && typeof e.className === 'string' ? '.' + e.className : ''));
  // table cells squeezed until a word breaks: laid out on more lines than the cell has words
  const broken = [...document.querySelectorAll('td, th')].filter(shown).filter(td => {
    const words = td.innerText.trim().split(/[\s\-–—\/]+/).filter(Boolean).length;  // a line may end at a space, hyphen, dash or slash
    return words > 0 && lines(td) > words;
  }).map(td => td.innerText.trim());
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  return {cards, plan, texts, links, figures, scrollers, broken, inner_width: window.innerWidth,
          scroll_width: document.documentElement.scrollWidth,
          min_text_px: texts.length ? Math.min(...texts.map(t => t.px)) : null};
})()
