// Fetches the items and shows how many there are.
fetch('/api/items').then(r => r.json()).then(items => {
  const p = document.createElement('p');
  p.textContent = items.length + ' items';
  document.body.appendChild(p);
});
