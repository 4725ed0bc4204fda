package org.backprop4j.kernel;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Reusable scratch objects (packing buffers, forward engines) that any thread borrows and returns,
 * instead of one per thread: a virtual thread lives for one task, so a per-thread object would be
 * made afresh for every task and die with it. A borrower takes an idle object, or a new one when
 * none is idle; at most {@link #capacity()} idle objects are kept, so memory stays bounded whatever
 * the number of threads, and the steady state allocates nothing.
 *
 * <p>Idle objects sit in slots of an array, each slot on its own cache line. A borrow or a return is
 * a read and a compare-and-set of one slot when there is no contention: a platform thread starts at
 * a slot chosen by its id (so it usually gets back the object it used last, as with a per-thread
 * object, and does not share a cache line with other threads), a virtual thread at the first slot
 * (idle objects then gather in the first slots, and few are probed). No locks, no allocation.
 *
 * <p>Use {@code T t = pool.borrow(); try { ... } finally { pool.release(t); }}: an object must not be
 * used after its release, nor released twice.
 *
 * @param <T> the scratch object's type
 */
public final class ScratchPool<T> {
    /** Array elements per slot: 16 references span a 64-byte cache line even with compressed oops. */
    private static final int PAD = 16;
    /** Idle objects kept per processor: enough for all carriers of virtual threads and a few platform threads each. */
    private static final int PER_PROCESSOR = 4;

    private final Supplier<? extends T> factory;
    private final AtomicReferenceArray<T> slots;
    private final int mask;
    private final AtomicLong created = new AtomicLong();

    /** A pool keeping up to a few idle objects per available processor. */
    public ScratchPool(Supplier<? extends T> factory) {
        this(factory, PER_PROCESSOR * Runtime.getRuntime().availableProcessors());
    }

    /** A pool keeping up to {@code capacity} idle objects (rounded up to a power of two). */
    public ScratchPool(Supplier<? extends T> factory, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be ≥ 1: " + capacity);
        if (capacity > 1 << 16) throw new IllegalArgumentException("capacity must be ≤ 65536: " + capacity);
        this.factory = Objects.requireNonNull(factory, "factory");
        int cap = capacity == 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
        this.mask = cap - 1;
        this.slots = new AtomicReferenceArray<>(cap * PAD);
    }

    /** {@return the most idle objects kept} */
    public int capacity() {
        return mask + 1;
    }

    /** {@return how many objects the factory has made} For tests and diagnostics. */
    public long created() {
        return created.get();
    }

    /** {@return an idle object, or a new one if none is idle} Give it back with {@link #release}. */
    public T borrow() {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int s = ((start + i) & mask) * PAD;
            T t = slots.get(s);
            if (t != null && slots.compareAndSet(s, t, null)) return t;
        }
        created.incrementAndGet();
        return Objects.requireNonNull(factory.get(), "the pool's factory returned null");
    }

    /** Gives a borrowed object back; it is dropped (left to the garbage collector) if the pool is full. */
    public void release(T t) {
        Objects.requireNonNull(t, "released null");
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int s = ((start + i) & mask) * PAD;
            if (slots.get(s) == null && slots.compareAndSet(s, null, t)) return;
        }
    }

    private int start() {
        Thread th = Thread.currentThread();
        // virtual threads live for one task: a slot by id would scatter idle objects over the array
        return th.isVirtual() ? 0 : (int) ((th.threadId() * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
}
