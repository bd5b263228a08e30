/** Union-find over node names (Kafka's `QuickUnion`): nodes joined by edges or shared stores form a sub-topology. */
export class NodeGrouper {
  readonly #parent = new Map<string, string>();

  add(name: string): void {
    this.#parent.set(name, name);
  }

  root(name: string): string {
    let current = name;
    for (let next = this.#parent.get(current); next !== undefined && next !== current; next = this.#parent.get(current)) {
      // Path halving keeps later lookups short.
      const grand = this.#parent.get(next) ?? next;
      this.#parent.set(current, grand);
      current = grand;
    }
    return current;
  }

  unite(name: string, others: readonly string[]): void {
    for (const other of others) {
      const a = this.root(name);
      const b = this.root(other);
      if (a !== b) this.#parent.set(b, a);
    }
  }
}
