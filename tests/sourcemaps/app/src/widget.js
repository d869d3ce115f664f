// Loaded lazily (its own chunk, whose debug id registers when it loads).
export function explodeWidget(depth, label) {
  if (depth > 0) return explodeWidget(depth - 1, label) + 1; // RECURSE
  throw new Error(`widget exploded in ${label}`); // THROW
}
