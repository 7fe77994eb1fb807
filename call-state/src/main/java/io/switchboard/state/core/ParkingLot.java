package io.switchboard.state.core;

import java.util.OptionalInt;
import java.util.Set;

/** A tenant's parking slots {@code first..last} and those taken now. */
public record ParkingLot(int first, int last, Set<Integer> taken) {

    /** The lowest free slot: people remember 701 better than 717. */
    OptionalInt freeSlot() {
        for (int slot = first; slot <= last; slot++) {
            if (!taken.contains(slot)) {
                return OptionalInt.of(slot);
            }
        }
        return OptionalInt.empty();
    }
}
