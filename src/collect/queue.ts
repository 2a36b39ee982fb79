/**
 * A bounded first-in first-out queue between a producer (the listing) and several
 * consumers (the readers): the producer waits when it is full, so memory holds at most
 * `capacity` items however many objects a month has. A failure on either side stops both.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private readonly takers: (() => void)[] = [];
  private readonly givers: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  private wake(list: (() => void)[]): void {
    for (const resolve of list.splice(0)) resolve();
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && this.failure === null) await new Promise<void>((r) => this.givers.push(r));
    if (this.failure !== null) throw this.failure.error;
    this.items.push(item);
    this.wake(this.takers);
  }

  /** The next item, or undefined once the queue is closed and empty. */
  async shift(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed && this.failure === null) await new Promise<void>((r) => this.takers.push(r));
    if (this.failure !== null) throw this.failure.error;
    const item = this.items.shift();
    this.wake(this.givers);
    return item;
  }

  close(): void {
    this.closed = true;
    this.wake(this.takers);
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.wake(this.takers);
    this.wake(this.givers);
  }
}
