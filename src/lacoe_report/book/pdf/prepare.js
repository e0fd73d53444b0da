async (meta) => {
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const headingText = (h) => {
    if (!h) return '';
    const copy = h.cloneNode(true);
    copy.querySelectorAll('.headerlink').forEach((a) => a.remove());
    return copy.textContent.replace(/\s+/g, ' ').trim();
  };
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  if (!article) throw new Error('no article in the singlehtml page');

  // Chapters: the root document's section, then each document the toc lists
  // at the top level (sub-sections of a chapter stay in its flow).
  const chapters = [];
  const topLevel = new Set(meta.parts.flatMap((part) => part.docnames));
  const root = article.querySelector('section');
  root.classList.add('pdf-chapter', 'pdf-root');
  chapters.push({docname: meta.root, id: root.id, title: headingText(root.querySelector('h1, h2'))});
  for (const span of article.querySelectorAll('span[id^="document-"]')) {
    const docname = span.id.slice('document-'.length);
    const section = span.nextElementSibling;
    if (!topLevel.has(docname) || !section || section.tagName !== 'SECTION') continue;
    section.classList.add('pdf-chapter');
    chapters.push({docname, id: section.id, title: headingText(section.querySelector('h1, h2, h3'))});
  }
  const byDoc = Object.fromEntries(chapters.map((c) => [c.docname, c]));

  // Title page.
  const titlePage = el('div', 'pdf-title-page');
  // A school year ("2023-24") never breaks at its hyphen.
  const unbroken = (cls, text) => {
    const node = el('p', cls);
    for (const piece of text.split(/(\d{4}-\d{2,4})/)) {
      node.append(/^\d{4}-\d{2,4}$/.test(piece) ? el('span', 'pdf-nowrap', piece) : piece);
    }
    return node;
  };
  titlePage.append(el('p', 'pdf-kicker', 'PDF edition'), unbroken('pdf-title', meta.title),
                   unbroken('pdf-subtitle', meta.subtitle));
  if (meta.author) titlePage.append(el('p', 'pdf-author', meta.author));
  titlePage.append(el('p', 'pdf-source', meta.source));

  // Contents, grouped by the toc's parts; page numbers are filled in later.
  const contents = el('nav', 'pdf-contents');
  contents.setAttribute('aria-label', 'Contents');
  contents.append(el('h2', 'pdf-contents-title', 'Contents'));
  const entry = (chapter) => {
    const li = el('li');
    const link = el('a', 'pdf-toc-title', chapter.title);
    link.href = '#' + chapter.id;
    const page = el('span', 'pdf-toc-page', meta.placeholder);
    page.dataset.target = chapter.id;
    li.append(link, el('span', 'pdf-toc-leader'), page);
    return li;
  };
  const first = el('ol');
  first.append(entry(chapters[0]));
  contents.append(first);
  for (const part of meta.parts) {
    const found = part.docnames.filter((d) => byDoc[d]);
    if (!found.length) continue;
    if (part.caption) contents.append(el('p', 'pdf-toc-part', part.caption));
    const list = el('ol');
    for (const docname of found) {
      list.append(entry(byDoc[docname]));
      // Say which part a chapter belongs to above its title.
      if (part.caption) {
        const section = document.getElementById(byDoc[docname].id);
        section.prepend(el('p', 'pdf-part-label', part.caption));
      }
    }
    contents.append(list);
  }

  // Hidden cells stay hidden; other toggles (dropdowns) print open.
  article.querySelectorAll('details.hide').forEach((d) => d.remove());
  article.querySelectorAll('details').forEach((d) => { d.open = true; });
  // A cell whose input is hidden and whose only output is glued prints
  // nothing; left in, it is a break point that can strand a heading.
  article.querySelectorAll('div.cell').forEach((cell) => {
    if (!cell.textContent.trim() && !cell.querySelector('img, svg, table, canvas, iframe, object, video')) {
      cell.remove();
    }
  });
  article.querySelectorAll('.headerlink, button, .copybtn').forEach((n) => n.remove());

  // Links into the local server (downloads, other pages) would print as
  // http://127.0.0.1:<port>/ URLs that lead nowhere: keep their text only,
  // and name a download's file.
  const downloads = [];
  for (const a of article.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) continue;
    const url = new URL(href, location.href);
    if (url.origin !== location.origin) continue;
    const parts = [...a.childNodes];
    if (a.classList.contains('download')) {
      // A download becomes a link to the same file attached to the PDF: the
      // link points at a placeholder address that lacoe_report.book.pdf
      // turns into a file attachment annotation over the same text.
      const name = decodeURIComponent(url.pathname.split('/').pop());
      a.append(document.createTextNode(' (' + name + ')'));
      a.setAttribute('href', meta.attachmentPrefix + encodeURIComponent(name));
      if (!downloads.some((d) => d.name === name)) downloads.push({name, path: decodeURIComponent(url.pathname)});
      continue;
    }
    a.replaceWith(...parts);
  }

  // Tables on a page 17 cm wide: keep short values on one line, and let long
  // identifiers ("p1_literacy_grant", "a;b;c") break after "_" or ";"
  // instead of squeezing the columns next to them.
  for (const cell of article.querySelectorAll('tbody td')) {
    if (cell.textContent.trim().length <= 12) cell.classList.add('pdf-nowrap');
  }
  for (const cell of article.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    for (const node of texts) {
      // A ledger key stays whole (print.css keeps it on one line; Chromium breaks at a <wbr>
      // even there), so that searching the PDF for the key finds it.
      if (node.parentElement.matches('.lacoe-ledger th[scope="row"] > code')) continue;
      if (!/[^\s_;]{2,}[_;][^\s]/.test(node.data) || !/\S{16,}/.test(node.data)) continue;
      const pieces = node.data.split(/(?<=[_;])/);
      const fragment = document.createDocumentFragment();
      pieces.forEach((piece, i) => {
        fragment.append(piece);
        if (i < pieces.length - 1) fragment.append(document.createElement('wbr'));
      });
      node.replaceWith(fragment);
    }
  }

  // Replace the theme's layout (header, sidebars, buttons) with the book alone.
  const book = el('div', 'pdf-book');
  book.append(titlePage, contents, article);
  document.body.replaceChildren(book);
  document.body.className = 'pdf-body';
  document.documentElement.dataset.theme = 'light';
  document.documentElement.dataset.mode = 'light';
  document.title = meta.title;

  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map((img) => img.complete ? null
    : new Promise((done) => { img.onload = img.onerror = done; })));
  await document.fonts.ready;
  const broken = [...document.images].filter((img) => !img.naturalWidth).map((img) => img.src);
  const math = document.querySelectorAll('.math, mjx-container').length;
  return {chapters, broken, math, downloads};
}
