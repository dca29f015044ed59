package io.spanloop.labeler;

import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/** Iterators that are each sorted by one order, merged lazily into one (k-way). */
final class SortedMerge<T> implements Iterator<T> {

    private record Head<T>(T value, Iterator<T> rest) {}

    private final PriorityQueue<Head<T>> heads;

    SortedMerge(Collection<? extends Iterator<T>> sorted, Comparator<? super T> order) {
        heads =
                new PriorityQueue<>(
                        Math.max(1, sorted.size()), (a, b) -> order.compare(a.value(), b.value()));
        sorted.forEach(this::advance);
    }

    @Override
    public boolean hasNext() {
        return !heads.isEmpty();
    }

    @Override
    public T next() {
        Head<T> head = heads.poll();
        if (head == null) {
            throw new NoSuchElementException();
        }
        advance(head.rest());
        return head.value();
    }

    private void advance(Iterator<T> source) {
        if (source.hasNext()) {
            heads.add(new Head<>(source.next(), source));
        }
    }
}
