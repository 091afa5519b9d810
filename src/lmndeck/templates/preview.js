"use strict";
// Draws the cards of the JSON above into the frame, and wires the search box and the toggles.
// Each card side is a shadow root holding its note type's CSS and the HTML Anki renders, in
// the classes Anki's reviewer gives the card ("card card1", and "nightMode night_mode" at night).
(() => {
  const data = JSON.parse(document.getElementById("lmn-preview-data").textContent);
  const frame = document.getElementById("lmn-screen");
  const search = document.getElementById("lmn-search");
  const night = document.getElementById("lmn-night");
  const phone = document.getElementById("lmn-phone");
  const shown = document.getElementById("lmn-shown");
  const NIGHT = ["nightMode", "night_mode"];
  // Before the note type's CSS, which may override it: a little room around the card.
  const SIDE_CSS = ":host { display: block; } .card { margin: 0; padding: 12px; min-height: 2em; }";

  const doc = frame.contentDocument;
  doc.open();
  doc.write('<!doctype html><html lang="en"><meta charset="utf-8">');  // head and body implied
  doc.close();
  const frameStyle = doc.createElement("style");
  frameStyle.textContent = data.frameCss;
  doc.head.append(frameStyle);

  function element(tag, className, text) {
    const made = doc.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  const themed = [];  // every element whose classes follow night mode
  const cards = [];  // {view, note, deck, text}

  // One parsed style sheet per note type, shared by all its card sides: a <style> in each of
  // thousands of shadow roots would be parsed and matched thousands of times.
  const sheets = new Map();
  function sheet(css) {
    if (!sheets.has(css)) {
      const made = new frame.contentWindow.CSSStyleSheet();
      made.replaceSync(css);
      sheets.set(css, made);
    }
    return sheets.get(css);
  }

  function side(label, html, css, ordinal) {
    const box = element("div", "lmn-side");
    box.append(element("div", "lmn-side-label", label));
    const host = element("div", "lmn-card-side");
    box.append(host);
    const root = host.attachShadow({mode: "open"});
    root.adoptedStyleSheets = [sheet(SIDE_CSS), sheet(css)];
    const mode = doc.createElement("div");
    const card = doc.createElement("div");
    card.className = `card card${ordinal + 1}`;
    const qa = doc.createElement("div");
    qa.id = "qa";
    qa.innerHTML = html;
    card.append(qa);
    mode.append(card);
    root.append(mode);
    themed.push(mode, card);
    return {box, text: qa.textContent};
  }

  for (const deck of data.decks) {
    const deckSection = element("section", "lmn-deck");
    deckSection.append(element("h2", "", deck.name));
    for (const note of deck.notes) {
      const article = element("article", "lmn-note");
      const head = element("div", "lmn-note-head");
      head.append(element("span", "lmn-note-key", note.key), element("span", "", note.type));
      if (note.tags.length) head.append(element("span", "", note.tags.join(" ")));
      article.append(head);
      for (const card of note.cards) {
        const view = element("div", "lmn-card-view");
        view.dataset.label = card.label;
        const css = data.styles[note.type];
        const front = side(`Front · ${card.label}`, card.q, css, card.ord);
        const back = side(`Back · ${card.label}`, card.a, css, card.ord);
        view.append(front.box, back.box);
        article.append(view);
        const text = [deck.name, note.key, note.type, note.tags.join(" "), card.label,
          front.text, back.text].join("\n").toLowerCase();
        cards.push({view, note: article, deck: deckSection, text});
      }
      deckSection.append(article);
    }
    doc.body.append(deckSection);
  }
  const none = element("p", "lmn-none", "No card matches the search.");
  none.hidden = true;
  doc.body.append(none);

  function filter() {
    const terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    const visible = new Set();
    for (const card of cards) {
      const match = terms.every(term => card.text.includes(term));
      card.view.hidden = !match;
      if (match) {
        count += 1;
        visible.add(card.note).add(card.deck);
      }
    }
    for (const card of cards) {
      card.note.hidden = !visible.has(card.note);
      card.deck.hidden = !visible.has(card.deck);
    }
    none.hidden = count > 0;
    shown.textContent = `${count} of ${cards.length} cards`;
  }

  function setNight() {
    for (const item of themed) for (const name of NIGHT) item.classList.toggle(name, night.checked);
    for (const body of [document.body, doc.body]) body.classList.toggle("lmn-dark", night.checked);
  }

  function setPhone() {
    frame.classList.toggle("lmn-phone", phone.checked);
    doc.documentElement.classList.toggle("lmn-phone", phone.checked);
  }

  search.addEventListener("input", filter);
  night.addEventListener("change", setNight);
  phone.addEventListener("change", setPhone);
  for (const target of [document, doc]) {
    target.addEventListener("keydown", event => {
      if (event.key === "/" && event.target !== search) {
        event.preventDefault();
        search.focus();
      }
    });
  }
  // A reload keeps the form's state: show what the controls say.
  filter();
  setNight();
  setPhone();
})();
