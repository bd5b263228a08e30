/**
 * Kafka's `TopologyDescription` prints Java `HashSet`s and `TreeSet`s as they iterate, and users
 * assert on that text. These helpers reproduce the iteration orders, so describe() matches Kafka
 * character for character (SEMANTICS §13.3).
 */

/** Java's `String.hashCode()` (UTF-16 code units, 32-bit wrap-around). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Table size of a HashSet after adding `n` elements one by one (starts at 16, doubles past 0.75 load). */
export function hashSetCapacityIncremental(n: number): number {
  let capacity = 16;
  while (n > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** Table size of `new HashSet<>(collection)` for a collection of `n` elements. */
export function hashSetCapacityFromCollection(n: number): number {
  const initial = Math.max(Math.floor(n / 0.75) + 1, 16);
  let capacity = 1;
  while (capacity < initial) capacity *= 2;
  while (n > capacity * 0.75) capacity *= 2;
  return capacity;
}

/**
 * Iteration order of a Java HashSet<String> of the given capacity whose elements were inserted in
 * `items` order: by bucket, then by insertion order within a bucket (resizes keep that relative
 * order). Tree bins (8+ collisions in one bucket) are not modelled.
 */
export function javaHashOrder(items: readonly string[], capacity: number): string[] {
  const bucket = (s: string): number => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return items
    .map((item, index) => ({ item, index, bucket: bucket(item) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((e) => e.item);
}

interface TreeNode<T> {
  key: T;
  left: TreeNode<T> | undefined;
  right: TreeNode<T> | undefined;
  parent: TreeNode<T> | undefined;
  red: boolean;
}

/**
 * Java's `TreeSet` (a red-black `TreeMap`), insertion and in-order iteration only. Kafka's node
 * comparator reads a subtree size that keeps changing after insertion, so the order Kafka prints
 * depends on the exact tree shape at each insertion; a sorted array would not reproduce it.
 */
export class JavaTreeSet<T> {
  #root: TreeNode<T> | undefined;
  readonly #compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#compare = compare;
  }

  add(key: T): boolean {
    let t = this.#root;
    if (t === undefined) {
      this.#root = { key, left: undefined, right: undefined, parent: undefined, red: false };
      return true;
    }
    let parent: TreeNode<T>;
    let c: number;
    do {
      parent = t;
      c = this.#compare(key, t.key);
      if (c < 0) t = t.left;
      else if (c > 0) t = t.right;
      else return false;
    } while (t !== undefined);
    const entry: TreeNode<T> = { key, left: undefined, right: undefined, parent, red: false };
    if (c < 0) parent.left = entry;
    else parent.right = entry;
    this.#fixAfterInsertion(entry);
    return true;
  }

  values(): T[] {
    const out: T[] = [];
    const walk = (n: TreeNode<T> | undefined): void => {
      if (n === undefined) return;
      walk(n.left);
      out.push(n.key);
      walk(n.right);
    };
    walk(this.#root);
    return out;
  }

  get size(): number {
    return this.values().length;
  }

  #fixAfterInsertion(inserted: TreeNode<T>): void {
    let x: TreeNode<T> | undefined = inserted;
    x.red = true;
    const isRed = (n: TreeNode<T> | undefined): boolean => n !== undefined && n.red;
    const setRed = (n: TreeNode<T> | undefined, red: boolean): void => {
      if (n !== undefined) n.red = red;
    };
    while (x !== undefined && x !== this.#root && isRed(x.parent)) {
      const p: TreeNode<T> | undefined = x.parent;
      const g: TreeNode<T> | undefined = p?.parent;
      if (p === g?.left) {
        const y: TreeNode<T> | undefined = g?.right;
        if (isRed(y)) {
          setRed(p, false);
          setRed(y, false);
          setRed(g, true);
          x = g;
        } else {
          if (x === p?.right) {
            x = p;
            this.#rotateLeft(x);
          }
          setRed(x?.parent, false);
          setRed(x?.parent?.parent, true);
          this.#rotateRight(x?.parent?.parent);
        }
      } else {
        const y: TreeNode<T> | undefined = g?.left;
        if (isRed(y)) {
          setRed(p, false);
          setRed(y, false);
          setRed(g, true);
          x = g;
        } else {
          if (x === p?.left) {
            x = p;
            this.#rotateRight(x);
          }
          setRed(x?.parent, false);
          setRed(x?.parent?.parent, true);
          this.#rotateLeft(x?.parent?.parent);
        }
      }
    }
    if (this.#root) this.#root.red = false;
  }

  #rotateLeft(p: TreeNode<T> | undefined): void {
    if (p === undefined || p.right === undefined) return;
    const r = p.right;
    p.right = r.left;
    if (r.left) r.left.parent = p;
    r.parent = p.parent;
    if (p.parent === undefined) this.#root = r;
    else if (p.parent.left === p) p.parent.left = r;
    else p.parent.right = r;
    r.left = p;
    p.parent = r;
  }

  #rotateRight(p: TreeNode<T> | undefined): void {
    if (p === undefined || p.left === undefined) return;
    const l = p.left;
    p.left = l.right;
    if (l.right) l.right.parent = p;
    l.parent = p.parent;
    if (p.parent === undefined) this.#root = l;
    else if (p.parent.right === p) p.parent.right = l;
    else p.parent.left = l;
    l.right = p;
    p.parent = l;
  }
}
